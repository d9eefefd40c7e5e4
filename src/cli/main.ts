#!/usr/bin/env node
/** rdcontacts: the command line. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { adminCommand } from './admin.js';
import { backupCommand } from './backup.js';
import { outboxCommand } from './outbox.js';
import { CliError } from './output.js';
import { serveCommand } from './serve.js';

export function program(): Command {
  return new Command('rdcontacts')
    .description('notification contacts of a resource directory, on the Alibaba Cloud message-contact API')
    .addCommand(serveCommand())
    .addCommand(adminCommand())
    .addCommand(outboxCommand())
    .addCommand(backupCommand())
    .showHelpAfterError()
    .exitOverride();
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError || error instanceof ConfigError) {
      process.stderr.write(`rdcontacts: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
