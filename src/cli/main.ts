#!/usr/bin/env node
/** rdcontacts: the command line. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DatabaseError } from '../store/database.js';
import { adminCommand } from './admin.js';
import { auditCommand } from './audit.js';
import { backupCommand } from './backup.js';
import { outboxCommand } from './outbox.js';
import { CliError } from './output.js';
import { serveCommand } from './serve.js';

/** The package's version: package.json is two levels up from src/cli and from dist/cli alike. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export function program(): Command {
  return new Command('rdcontacts')
    .description('notification contacts of a resource directory, on the Alibaba Cloud message-contact API')
    .version(packageVersion(), '-V, --version', 'print the version of rdcontacts')
    .addCommand(serveCommand())
    .addCommand(adminCommand())
    .addCommand(outboxCommand())
    .addCommand(auditCommand())
    .addCommand(backupCommand())
    .showHelpAfterError()
    .exitOverride();
}

/** What an operator can act on: said in one line on stderr, without a stack trace. */
const oneLineErrors = [CliError, ConfigError, DatabaseError];

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (oneLineErrors.some((kind) => error instanceof kind)) {
      process.stderr.write(`rdcontacts: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
