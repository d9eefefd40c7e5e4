/**
 * The background job of DeleteMessageContact with RetainContactInMembers=false. Durable and
 * resumable: the job row (contact_deletions) is written with the contact's Deleting state, and each
 * step processes a bounded batch of covered accounts in one transaction that also writes their
 * deletion_progress rows, so a step that was cut off (SIGKILL) left nothing and is simply redone,
 * and an account with a progress row is never processed again.
 *
 * Runners take a job by a lease (conditional update of lease_owner/lease_expires_at), renewed by
 * every step. A lease held by a process of this host that no longer exists is taken over at once,
 * so a restarted server resumes without waiting for the lease to expire.
 */
import type { Repositories } from '../store/repositories.js';
import type { Store } from '../store/store.js';
import type { DeletionJobRow } from '../store/binding-repositories.js';
import { ApiError } from './errors.js';
import { recordAudit, serviceActors } from './audit.js';
import { retireTokens } from './delivery-queue.js';
import type { Tenant } from './tenant.js';
import { type Clock, addSeconds, toStored } from './time.js';
import { isDeadLocalOwner, newOwner } from './leases.js';

export interface DeletionRunnerOptions {
  /** Accounts processed per transaction. */
  batchSize?: number;
  /** Pause between two steps of work, in milliseconds (pacing; 0 = none). */
  stepDelayMs?: number;
  /** How often an idle runner looks for jobs it was not told about (other processes, expired leases). */
  pollMs?: number;
  leaseSeconds?: number;
  onError?: (error: unknown) => void;
}

export class DeletionRunner {
  readonly owner = newOwner();
  private readonly batchSize: number;
  private readonly stepDelayMs: number;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private running = false;
  private woken = false;
  private interrupt: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** The job whose lease this runner holds, if any. */
  private held: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: DeletionRunnerOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 10);
    this.stepDelayMs = Math.max(0, options.stepDelayMs ?? 0);
    this.pollMs = Math.max(1, options.pollMs ?? 1000);
    this.leaseSeconds = Math.max(1, options.leaseSeconds ?? 30);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.interrupt?.();
    await this.loop;
    // Hand the job back at once, so that another instance (or the next start) need not wait out the lease.
    if (this.held !== undefined) await this.store.bindings.releaseLease(this.held, this.owner);
    this.held = undefined;
  }

  /** A job was enqueued: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.interrupt?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let worked = false;
      try {
        worked = await this.step();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.running) break;
      if (worked) {
        if (this.stepDelayMs > 0) await this.pause(this.stepDelayMs, false);
        continue;
      }
      if (this.woken) continue;
      await this.pause(this.pollMs, true);
    }
  }

  private pause(ms: number, interruptible: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      // stop() always interrupts; wake() only an idle wait.
      this.interrupt = interruptible ? done : () => (this.running ? undefined : done());
    });
  }

  /** Claims one job and advances it by one step; false when there was nothing to do. */
  async step(): Promise<boolean> {
    const now = this.clock();
    const jobs = await this.store.bindings.claimableJobs(toStored(now), 20);
    for (const job of jobs) {
      const free = job.lease_owner === null || job.lease_owner === this.owner || (job.lease_expires_at ?? '') < toStored(now);
      const stealFrom = !free && isDeadLocalOwner(job.lease_owner, this.owner) ? job.lease_owner! : undefined;
      if (!free && !stealFrom) continue;
      if (!(await this.store.bindings.claimJob(job.contact_id, this.owner, toStored(now), this.leaseUntil(now), stealFrom))) continue;
      this.held = job.contact_id;
      try {
        await this.store.transaction((tx) => this.advance(tx, job));
      } catch (error) {
        // A job that fails must not hold up the others: report it, hand its lease back, go on.
        this.options.onError?.(error);
        await this.store.bindings.releaseLease(job.contact_id, this.owner);
        this.held = undefined;
        continue;
      }
      return true;
    }
    return false;
  }

  private leaseUntil(now: Date): string {
    return toStored(addSeconds(now, this.leaseSeconds));
  }

  /** One transaction: renew the lease, process up to batchSize accounts, and finish when none are left. */
  private async advance(tx: Repositories, job: DeletionJobRow): Promise<void> {
    const now = this.clock();
    const at = toStored(now);
    if (!(await tx.bindings.claimJob(job.contact_id, this.owner, at, this.leaseUntil(now)))) return; // lease lost
    // Two jobs deciding accounts of one directory see each other's decisions (PostgreSQL: other instances).
    await tx.locks.directory(job.directory_id);
    const contact = await tx.contacts.findById(job.contact_id);
    if (!contact || contact.lifecycle !== 'Deleting') {
      await tx.bindings.removeJob(job.contact_id);
      return;
    }
    const tenant: Tenant = { accountId: '', directoryId: job.directory_id, actor: serviceActors.jobs };
    // A contact with no verified email or phone was nobody's recipient: it can leave every account.
    const verified = contact.email !== null || contact.phone !== null;
    const types = verified ? (JSON.parse(contact.message_types) as string[]) : [];
    // Forward from the last decided account; once that runs dry, one scan from the start catches
    // accounts that joined a covered folder behind the cursor while the job ran.
    const after = await tx.bindings.lastProcessedAccount(job.contact_id);
    let accounts = await tx.bindings.unprocessedCoveredAccounts(job.directory_id, job.contact_id, this.batchSize, after);
    if (accounts.length === 0 && after !== '') {
      accounts = await tx.bindings.unprocessedCoveredAccounts(job.directory_id, job.contact_id, this.batchSize);
    }
    for (const accountId of accounts) {
      const covered = await tx.bindings.typesWithOtherRecipient(accountId, job.contact_id, types);
      const missing = types.filter((type) => !covered.includes(type));
      const outcome = missing.length > 0 ? 'Failed' : 'Released';
      await tx.bindings.insertProgress({
        contact_id: job.contact_id,
        account_id: accountId,
        outcome,
        message_types: missing.length > 0 ? JSON.stringify(missing) : null,
        processed_at: at,
      });
      await recordAudit(tx, tenant, at, 'DeleteMessageContactStep', job.contact_id, {
        AccountId: accountId,
        Outcome: outcome,
        ...(missing.length > 0 ? { MessageTypes: missing } : {}),
      });
    }
    if (accounts.length === 0) await this.finish(tx, tenant, job, contact.version, at);
  }

  private async finish(tx: Repositories, tenant: Tenant, job: DeletionJobRow, version: number, at: string): Promise<void> {
    const failed = await tx.bindings.listProgress(job.contact_id, 'Failed');
    if (failed.length === 0) {
      await this.claimContact(tx, job.contact_id, version, { lifecycle: 'Deleted', deleted_at: at, updated_at: at });
      await tx.pendingTargets.removeAll(job.contact_id);
      await retireTokens(tx, job.contact_id, 'Cancelled');
      await tx.bindings.removeAllForContact(job.contact_id);
      await tx.bindings.removeProgress(job.contact_id);
      await tx.bindings.removeJob(job.contact_id);
      await recordAudit(tx, tenant, at, 'FinishMessageContactDeletion', job.contact_id, { Status: 'Deleted' });
      return;
    }
    // The contact stays, with the bindings that still cover an account it could not leave.
    await tx.bindings.markJobFailed(job.contact_id, at);
    await this.claimContact(tx, job.contact_id, version, { lifecycle: 'Live', updated_at: at });
    await tx.bindings.removeBindingsCoveringNoFailedAccount(job.contact_id);
    await tx.bindings.removeProgress(job.contact_id, 'Released');
    await recordAudit(tx, tenant, at, 'FinishMessageContactDeletion', job.contact_id, {
      Status: 'Failed',
      FailReasonList: failed.map((row) => ({ AccountId: row.account_id, MessageTypes: JSON.parse(row.message_types ?? '[]') })),
    });
  }

  /** The final write to the contact, conditional on the version read in this step; else the step is retried. */
  private async claimContact(
    tx: Repositories,
    contactId: string,
    version: number,
    changes: Parameters<Repositories['contacts']['updateIfVersion']>[2],
  ): Promise<void> {
    if (!(await tx.contacts.updateIfVersion(contactId, version, changes))) throw new ApiError('ConcurrentCallNotSupported');
  }
}
