/**
 * Owners of leases on background work (deletion jobs, deliveries). A lease names its owner as
 * `host/pid/random`, so that a restarted process on the same host can tell that the owner of a
 * lease is dead and take the work over at once instead of waiting for the lease to expire.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

const host = hostname();

/** `host/pid/random`: the pid lets a restarted process on this host take over a dead one's lease. */
export function newOwner(): string {
  return `${host}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

export function isDeadLocalOwner(owner: string | null, self: string): boolean {
  if (owner === null || owner === self) return false;
  const [ownerHost, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (ownerHost !== host || !Number.isInteger(pid) || pid <= 0) return false;
  // Our own pid with another owner name: an earlier process that had this pid (a restarted
  // container's pid 1, say). It cannot be alive: we are.
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

