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
  /** Where the request came from (a signed call, a verification page): recorded with its events. */
  origin?: RequestOrigin;
  /** The signed call being served, when the change is made by one: recorded with its events. */
  call?: ApiCall;
  /**
   * What a signed request must leave in the database with the first change it makes, in that
   * change's transaction (its signature nonce, on a store that keeps nonces in memory): written with
   * the change's audit event, so that the change and the proof it was made commit together.
   */
  receipt?: RequestReceipt;
}

/** The HTTP facts of a request, as the audit trail records them; the domain passes them on unread. */
export interface RequestOrigin {
  /** The TCP peer's address. */
  sourceIp: string;
  /** The User-Agent header as sent, cut to 1024 characters. */
  userAgent: string;
  /** The Host the request was sent to. */
  host: string;
  scheme: 'http' | 'https';
}

/** The signed call that makes a change, as the audit trail records it. */
export interface ApiCall {
  /** The product's name on the wire (`ResourceDirectoryMaster`, `Ram`, …). */
  product: string;
  /** The ActionTrail service code the product's events are filed under (`ResourceManager`, `Ram`, …). */
  serviceName: string;
  apiVersion: string;
  action: string;
  readOnly: boolean;
  /** `ACS3-HMAC-SHA256` or `HMAC-SHA1`. */
  signatureMethod: string;
  /** The business parameters as sent (flattened wire names), without signature fields or secrets. */
  parameters: Readonly<Record<string, string>>;
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
