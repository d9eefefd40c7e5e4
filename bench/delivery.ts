/**
 * `npm run bench:delivery`: how fast the delivery worker empties the outbox into a real SMTP server
 * on 127.0.0.1, with the service's default delivery settings (concurrency 4, one connection per
 * message), and how far it falls behind when the SMTP server is slow.
 *
 * 1. Drain: DELIVERY_MESSAGES messages are queued at once; the figure is messages sent per second
 *    until the last one is Sent.
 * 2. Slow server: the SMTP server waits DELIVERY_DELAYS milliseconds before accepting each message
 *    while messages are queued at a steady DELIVERY_RATE per second for DELIVERY_SECONDS; the
 *    figures are the rate sent, the largest backlog, how long a message waited between queued and
 *    Sent (p50, p95, max), and how long the backlog took to clear after the queueing stopped.
 *
 * The SMTP server (smtp-server, reading and discarding each message) runs in a child process, the
 * worker and its SQLite store in this one, as in the service.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config.js';
import { DeliveryQueue, newMessageId } from '../src/domain/delivery-queue.js';
import { DeliveryWorker } from '../src/domain/delivery-worker.js';
import { createManagementAccount } from '../src/domain/organization.js';
import { systemClock, toStored } from '../src/domain/time.js';
import { verificationEmail } from '../src/delivery/templates.js';
import { createTransports } from '../src/delivery/transports/index.js';
import { openStore, type Store } from '../src/store/store.js';
import { freePort } from '../test/support/ports.js';

function envNumbers(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (!text) return fallback;
  const values = text.split(',').map(Number);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    process.stderr.write(`bench: ${name} must be non-negative numbers, comma-separated, not "${text}"\n`);
    process.exit(2);
  }
  return values;
}

const drainMessages = envNumbers('DELIVERY_MESSAGES', [2000])[0]!;
const delays = envNumbers('DELIVERY_DELAYS', [50, 250]);
const rate = envNumbers('DELIVERY_RATE', [40])[0]!;
const seconds = envNumbers('DELIVERY_SECONDS', [10])[0]!;

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The SMTP server child: answers `delay <ms>` messages, reports `ready`. */
async function startSmtpChild(port: number) {
  const child = fork(fileURLToPath(new URL('./smtp-child.ts', import.meta.url)), [String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`SMTP child exited with ${code}`)));
  });
  return {
    setDelay: (ms: number) =>
      new Promise<void>((resolve) => {
        child.once('message', () => resolve());
        child.send({ delay: ms });
      }),
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill())),
  };
}

interface Tenant {
  directoryId: string;
}

async function queue(store: Store, deliveries: DeliveryQueue, tenant: Tenant, count: number, from: number): Promise<void> {
  const now = toStored(systemClock());
  await store.transaction(async (tx) => {
    for (let i = from; i < from + count; i++) {
      const email = `bench${i}@example.com`;
      await deliveries.add(tx, now, {
        messageId: newMessageId(),
        directoryId: tenant.directoryId,
        contactId: null,
        purpose: 'test',
        recipient: email,
        content: {
          channel: 'email',
          email: verificationEmail('en-US', { contactName: 'Bench', emailAddress: email, link: `http://127.0.0.1/verify/${i}`, expiresInHours: 24 }),
        },
      });
    }
  });
  deliveries.queued();
}

async function counts(store: Store): Promise<{ sent: number; waiting: number; failed: number }> {
  const by = await store.outbox.countByStatus();
  return { sent: by.Sent ?? 0, waiting: (by.Queued ?? 0) + (by.Sending ?? 0), failed: by.Failed ?? 0 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

async function main(): Promise<void> {
  const smtpPort = await freePort();
  const smtp = await startSmtpChild(smtpPort);
  const dir = mkdtempSync(join(tmpdir(), 'rdcontacts-delivery-bench-'));
  const results: string[] = [];
  try {
    const config = resolveConfig(
      { emailTransport: 'smtp', smtpHost: '127.0.0.1', smtpPort: String(smtpPort), smtpSecurity: 'none', mailFrom: 'bench@rdcontacts.example' },
      {},
    );
    const { delivery } = config;
    log(`delivery settings: concurrency ${delivery.concurrency}, timeout ${delivery.timeoutMs} ms, one SMTP connection per message`);

    const run = async (name: string, body: (store: Store, queueSome: (n: number) => Promise<void>) => Promise<string>) => {
      const store = await openStore(`sqlite:${join(dir, `${name}.db`)}`);
      const tenant = await createManagementAccount(store, systemClock);
      const worker = new DeliveryWorker(store, systemClock, createTransports(delivery), {
        attempts: delivery.attempts,
        retryBaseMs: delivery.retryBaseMs,
        retryMaxMs: delivery.retryMaxMs,
        concurrency: delivery.concurrency,
        leaseSeconds: delivery.leaseSeconds,
        onError: (error) => log(`worker: ${String(error)}`),
      });
      const deliveries = new DeliveryQueue({ email: 'smtp', sms: 'outbox' }, () => worker.wake());
      let queued = 0;
      const queueSome = async (n: number) => {
        await queue(store, deliveries, tenant, n, queued);
        queued += n;
      };
      worker.start();
      try {
        results.push(await body(store, queueSome));
      } finally {
        await worker.stop();
        await store.close();
      }
    };

    // 1. Drain a backlog.
    await smtp.setDelay(0);
    await run('drain', async (store, queueSome) => {
      log(`drain: ${drainMessages} messages queued at once`);
      const started = performance.now();
      await queueSome(drainMessages);
      for (;;) {
        const { sent, failed } = await counts(store);
        if (sent + failed >= drainMessages) {
          const s = (performance.now() - started) / 1000;
          return `drain ${drainMessages} queued at once, SMTP answers at once: ${(sent / s).toFixed(0)} messages/s sent (${s.toFixed(1)} s, ${failed} failed)`;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    // 2. A slow SMTP server under a steady flow.
    for (const ms of delays) {
      await smtp.setDelay(ms);
      await run(`slow-${ms}`, async (store, queueSome) => {
        log(`slow server: ${ms} ms per message, ${rate} messages/s queued for ${seconds} s`);
        const started = performance.now();
        let maxBacklog = 0;
        const perTick = rate / 10;
        let owed = 0;
        for (let tick = 0; tick < seconds * 10; tick++) {
          owed += perTick;
          const n = Math.floor(owed);
          owed -= n;
          if (n > 0) await queueSome(n);
          maxBacklog = Math.max(maxBacklog, (await counts(store)).waiting);
          const next = started + (tick + 1) * 100;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
        }
        const stoppedAt = performance.now();
        const sentWhileQueueing = (await counts(store)).sent;
        for (;;) {
          const { waiting } = await counts(store);
          maxBacklog = Math.max(maxBacklog, waiting);
          if (waiting === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const drainS = (performance.now() - stoppedAt) / 1000;
        const rows = await store.outbox.list({ limit: 1_000_000 });
        const waits = rows
          .filter((r) => r.sent_at)
          .map((r) => Date.parse(r.sent_at!) - Date.parse(r.created_at))
          .sort((a, b) => a - b);
        const ceiling = (delivery.concurrency * 1000) / Math.max(ms, 1);
        return (
          `slow ${ms} ms/message, ${rate}/s queued for ${seconds} s: sent ${(sentWhileQueueing / seconds).toFixed(1)}/s while queueing ` +
          `(ceiling concurrency/delay = ${ceiling.toFixed(0)}/s), largest backlog ${maxBacklog}, ` +
          `wait queued→Sent p50 ${(percentile(waits, 0.5) / 1000).toFixed(2)} s, p95 ${(percentile(waits, 0.95) / 1000).toFixed(2)} s, ` +
          `max ${(percentile(waits, 1) / 1000).toFixed(2)} s; backlog cleared ${drainS.toFixed(1)} s after queueing stopped`
        );
      });
    }
  } finally {
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\nrdcontacts delivery bench (node ${process.version})\n${results.map((r) => `- ${r}`).join('\n')}\n`);
}

await main();
