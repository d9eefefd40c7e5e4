/** Waits for a condition by asking again every few milliseconds; fails naming `what` after `timeoutMs`. */
import { setTimeout as delay } from 'node:timers/promises';

export async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await delay(5);
  }
}
