/**
 * Runs the rdcontacts CLI as a real child process (`node --import tsx src/cli/main.ts …`), in a
 * working directory of the test's choosing, so `./data` belongs to one test only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/store.js';
export { freePort } from '../support/ports.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainScript = join(repoRoot, 'src', 'cli', 'main.ts');
/** Resolved here, because `--import tsx` would be resolved from the child's (temporary) cwd. */
const tsxLoader = import.meta.resolve('tsx');

/** Guards against a child that never ends; a test never waits for it on purpose. */
const safetyTimeoutMs = 20_000;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Added to the environment; rdcontacts' own variables (RDC_*) of the test runner are never passed on. */
  env?: Record<string, string>;
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RDC_') && name !== 'NODE_TEST_CONTEXT') env[name] = value;
  }
  return { ...env, ...extra };
}

function spawnCli(args: string[], options: RunOptions): ChildProcess {
  return spawn(process.execPath, ['--import', tsxLoader, mainScript, ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs one CLI command to its end. */
export function runCli(args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), safetyTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Parses the JSON a `--json` command printed, failing with the whole output when it is not JSON. */
export function parseJson<T = any>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** A describe-able summary of a run, for assertion messages. */
export function show(result: RunResult): string {
  return `exit ${result.code} signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

/** Whether the text holds a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .*:\d+:\d+\)?$/m.test(text);
}

/** Whether stderr is exactly one line saying what went wrong, as `rdcontacts: …`. */
export function isOneLineError(result: RunResult): boolean {
  return /^rdcontacts: [^\n]+\n$/.test(result.stderr) && !hasStackTrace(result.stderr);
}

/**
 * Makes the database a `serve` would make (its schema migrated, no account yet), for the commands
 * that only open one (admin, outbox, backup); faster than starting and stopping a serve.
 */
export async function migratedDatabase(url: string): Promise<void> {
  await (await openStore(url)).close();
}

const tempDirs: string[] = [];

/** A fresh empty directory; removed by `removeTempDirs`. */
export async function tempDir(prefix = 'rdc-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}


export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A running `rdcontacts serve`. `ready` settles when the "rdcontacts ready" log line appears (or
 * rejects when the process ends first); `exited` when the process has ended and its output is read.
 */
export class ServeProcess {
  stdout = '';
  stderr = '';
  readonly ready: Promise<void>;
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private ended = false;

  constructor(args: string[], options: RunOptions) {
    this.child = spawnCli(['serve', ...args], options);
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {}); // a test that expects a failure need not await it
    let isReady = false;
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      // Looked for until found only: a server under load writes many lines.
      if (!isReady && this.logLines().some((line) => line.msg === 'rdcontacts ready')) {
        isReady = true;
        markReady();
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise<Exit>((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.ended = true;
        failReady(new Error(`rdcontacts serve ended before it was ready (exit ${code}, signal ${signal})\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        resolve({ code, signal });
      });
    });
    this.exited.catch(() => {});
  }

  static async start(args: string[], options: RunOptions): Promise<ServeProcess> {
    const server = new ServeProcess(args, options);
    await server.ready;
    return server;
  }

  /** The lines of stdout that are JSON log records. */
  logLines(): Record<string, any>[] {
    const records: Record<string, any>[] = [];
    for (const line of this.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        records.push(JSON.parse(line) as Record<string, any>);
      } catch {
        // a line still being written
      }
    }
    return records;
  }

  /** The lines of stdout that are not JSON log records (the one-time credentials print). */
  plainLines(): string[] {
    return this.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
  }

  /** Sends SIGTERM and waits for the process to end. */
  async stop(): Promise<Exit> {
    if (!this.ended) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** The process ID (to read its memory from /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Kills the process with SIGKILL (a crash: nothing of it runs any more) and waits for it to end. */
  async crash(): Promise<Exit> {
    if (!this.ended) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** For after(): stops the process, killing it if it does not end on SIGTERM. */
  async kill(): Promise<void> {
    if (this.ended) return;
    const guard = setTimeout(() => this.child.kill('SIGKILL'), safetyTimeoutMs / 2);
    this.child.kill('SIGTERM');
    await this.exited.catch(() => {});
    clearTimeout(guard);
  }
}
