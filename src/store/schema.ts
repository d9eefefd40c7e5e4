/** Table types of the rdcontacts database, shared by every dialect. Timestamps are ISO-8601 UTC text. */
export interface AccountsTable {
  id: string;
  display_name: string;
  created_at: string;
}

export interface DirectoriesTable {
  id: string;
  master_account_id: string;
  root_folder_id: string;
  created_at: string;
}

export interface FoldersTable {
  id: string;
  directory_id: string;
  parent_folder_id: string | null;
  name: string;
  created_at: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeysTable {
  id: string;
  secret: string;
  account_id: string;
  status: AccessKeyStatus;
  created_at: string;
}

export type ContactLifecycle = 'Live' | 'Deleting' | 'Deleted';

export interface ContactsTable {
  id: string;
  directory_id: string;
  name: string;
  title: string;
  /** JSON array of message types. */
  message_types: string;
  /** The verified email: the one that receives messages. Null until the first one is verified. */
  email: string | null;
  /** The verified phone number, if any. */
  phone: string | null;
  lifecycle: ContactLifecycle;
  /** Bumped by every write; writes are conditional on the version they read. */
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export type TargetKind = 'email' | 'phone';

export interface PendingTargetsTable {
  contact_id: string;
  kind: TargetKind;
  target: string;
  created_at: string;
}

export type TokenState = 'Pending' | 'Used' | 'Cancelled' | 'Superseded';

export interface VerificationTokensTable {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  contact_id: string;
  kind: TargetKind;
  target: string;
  state: TokenState;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export type OutboxChannel = 'email' | 'sms';

export interface OutboxTable {
  id: string;
  directory_id: string;
  contact_id: string | null;
  channel: OutboxChannel;
  purpose: string;
  recipient: string;
  subject: string;
  body: string;
  link: string | null;
  transport: string;
  status: string;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  directory_id: string;
  contact_id: string | null;
  action: string;
  actor: string;
  /** JSON object: changed field → new value. */
  changes: string;
  request_id: string | null;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  directories: DirectoriesTable;
  folders: FoldersTable;
  access_keys: AccessKeysTable;
  contacts: ContactsTable;
  pending_targets: PendingTargetsTable;
  verification_tokens: VerificationTokensTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
}
