/** Who is acting: the directory a caller may see, and the names that go into the audit trail. */
export interface Tenant {
  accountId: string;
  directoryId: string;
  /** The AccessKey ID (or another actor name, such as `verification-link`) recorded in the audit trail. */
  actor: string;
  requestId?: string;
}
