/** Who is acting: the directory a caller may see, and the names that go into the audit trail. */
import type { Repositories } from '../store/repositories.js';

export interface Tenant {
  accountId: string;
  directoryId: string;
  /** The AccessKey ID (or another actor name, such as `verification-link`) recorded in the audit trail. */
  actor: string;
  /** The identity behind the AccessKey; absent for actors that are not a signed caller (jobs, links, the CLI). */
  principal?: Principal;
  requestId?: string;
  /**
   * What a signed request must leave in the database with the first change it makes, in that
   * change's transaction (its signature nonce, on a store that keeps nonces in memory): written with
   * the change's audit event, so that the change and the proof it was made commit together.
   */
  receipt?: RequestReceipt;
}

export interface RequestReceipt {
  keepIn(tx: Repositories): Promise<void>;
}

/**
 * The identity that signed a request: the management account itself (its root AccessKeys), or one
 * of its RAM users.
 */
export type Principal = { kind: 'root' } | { kind: 'user'; userId: string; userName: string };

/** How the audit trail and the logs name a principal: `root` or `user/<UserName>`. */
export function principalName(principal: Principal): string {
  return principal.kind === 'root' ? 'root' : `user/${principal.userName}`;
}
