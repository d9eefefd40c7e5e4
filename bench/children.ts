/** Child server processes for the bench: start, wait until they answer, measure CPU, stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
export { freePort } from '../test/support/ports.js';

export interface Child {
  name: string;
  port: number;
  process: ChildProcess;
  /** Where the child's stdout and stderr go. */
  logFile: string;
  /** Set once the process has exited, or could not be started. */
  exited: { code: number | null; signal: NodeJS.Signals | null; error?: string } | undefined;
}

const running = new Set<Child>();


export function startChild(options: {
  name: string;
  port: number;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}): Child {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', fd, fd],
    });
    const handle: Child = { name: options.name, port: options.port, process: child, logFile: options.logFile, exited: undefined };
    running.add(handle);
    child.once('exit', (code, signal) => {
      handle.exited = { code, signal };
      running.delete(handle);
    });
    child.once('error', (error) => {
      handle.exited ??= { code: null, signal: null, error: error.message };
      running.delete(handle);
    });
    return handle;
  } finally {
    closeSync(fd);
  }
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

/** Polls `path` until it answers 200; fails if the child exits or after `timeoutMs`. */
export async function waitUntilReady(child: Child, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    if (child.exited) break;
    try {
      const status = await get(child.port, path);
      if (status === 200) return;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const why = child.exited
    ? child.exited.error
      ? `could not be started: ${child.exited.error}`
      : `exited (code ${child.exited.code}, signal ${child.exited.signal})`
    : `not ready after ${timeoutMs} ms (${lastError})`;
  throw new Error(`${child.name} ${why}\n--- ${child.logFile} (tail) ---\n${logTail(child)}`);
}

export function logTail(child: Child, lines = 30): string {
  try {
    return readFileSync(child.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** User + system CPU time of a process in seconds, from /proc (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every process of this machine named `name` (Linux /proc), by pid:
 * a local PostgreSQL's backends, for instance. Processes that end between two readings take their
 * time with them, so compare readings pid by pid.
 */
export function cpuSecondsByName(name: string): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue; // gone meanwhile
    }
    const used = cpuSeconds(Number(entry));
    if (used !== undefined) seconds.set(Number(entry), used);
  }
  return seconds;
}

/** CPU seconds the processes of `after` used since `before` (a process new since then counts from zero). */
export function cpuSecondsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, used] of after) total += used - (before.get(pid) ?? 0);
  return total;
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.exited || child.process.pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    if (child.exited) resolve();
    else {
      child.process.once('exit', () => resolve());
      child.process.once('error', () => resolve());
    }
  });
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!child.exited) child.process.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Last resort when the bench itself dies: kill what is left, synchronously. */
export function killAllNow(): void {
  for (const child of running) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
