/** Who is acting: the directory a caller may see, and the names that go into the audit trail. */
export interface Tenant {
  accountId: string;
  directoryId: string;
  /** The AccessKey ID (or another actor name, such as `verification-link`) recorded in the audit trail. */
  actor: string;
  /** The identity behind the AccessKey; absent for actors that are not a signed caller (jobs, links, the CLI). */
  principal?: Principal;
  requestId?: string;
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
