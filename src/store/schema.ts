/** Table types of the rdcontacts database, shared by every dialect. Timestamps are ISO-8601 UTC text. */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  display_name: string;
  created_at: string;
  /**
   * Bumped in the transaction of every RAM change that can alter an authorization decision
   * (policies, their versions, attachments, memberships, user renames and deletions), so that
   * compiled policies cached per user are recompiled only when it moves (0008).
   */
  ram_revision: Generated<number>;
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
  /** 0 for Root; a folder directly under Root is 1. */
  depth: number;
}

/** Each folder with each of its ancestors, itself included at distance 0. */
export interface FolderAncestorsTable {
  folder_id: string;
  ancestor_id: string;
  distance: number;
}

export type MemberType = 'ResourceAccount' | 'CloudAccount';

export interface MembersTable {
  id: string;
  directory_id: string;
  folder_id: string;
  display_name: string;
  account_name: string;
  type: MemberType;
  status: string;
  join_method: string;
  join_time: string;
  modify_time: string;
  payer_account_id: string | null;
  resell_account_type: string;
  /** Set by RemoveCloudAccount: the account no longer resolves. */
  removed_at: string | null;
  version: number;
}

export interface TagsTable {
  resource_id: string;
  tag_key: string;
  tag_value: string;
  position: number;
}

export type BindingKind = 'directory' | 'folder' | 'account';

export interface ContactBindingsTable {
  contact_id: string;
  member_id: string;
  member_kind: BindingKind;
  created_at: string;
  /** Orders the IDs bound by one call (they share created_at); 0 when not given. */
  position: Generated<number>;
}

export interface ContactMessageTypesTable {
  contact_id: string;
  message_type: string;
}

export interface RetainedRecipientsTable {
  account_id: string;
  contact_id: string;
  message_type: string;
  name: string;
  email: string | null;
  phone: string | null;
  retained_at: string;
}

export type DeletionStatus = 'Deleting' | 'Failed';

export interface ContactDeletionsTable {
  contact_id: string;
  directory_id: string;
  status: DeletionStatus;
  /** Who asked for the deletion, for the audit trail of the job's steps. */
  actor: string;
  started_at: string;
  updated_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

export type DeletionOutcome = 'Released' | 'Failed';

export interface DeletionProgressTable {
  contact_id: string;
  account_id: string;
  outcome: DeletionOutcome;
  /** JSON array: the message types that would have lost their last verified recipient. */
  message_types: string | null;
  processed_at: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeysTable {
  id: string;
  secret: string;
  account_id: string;
  status: AccessKeyStatus;
  created_at: string;
  /** The RAM user the key belongs to; null for a root key of the account (0008). */
  user_id: string | null;
  /** When a request signed with the key last authenticated, to the minute (0008). */
  last_used_at: string | null;
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

/**
 * Stored: kept only (the outbox transport). Queued: waiting for its next attempt. Sending: held by
 * a worker (lease). Sent: the transport accepted it. Failed: a permanent failure, or no attempts left.
 */
export type DeliveryStatus = 'Stored' | 'Queued' | 'Sending' | 'Sent' | 'Failed';
export const deliveryStatuses: readonly DeliveryStatus[] = ['Stored', 'Queued', 'Sending', 'Sent', 'Failed'];

/** One message to one recipient over one channel: the delivery queue and its history. */
export interface OutboxTable {
  id: string;
  /** The message this delivery belongs to (several recipients and channels); null on rows older than 0004. */
  message_id: string | null;
  directory_id: string;
  contact_id: string | null;
  /** The member account a notification was about. */
  account_id: string | null;
  channel: OutboxChannel;
  /** verification, test or notification. */
  purpose: string;
  recipient: string;
  subject: string;
  /** The text (the whole SMS, or the plain-text part of an email). */
  body: string;
  html_body: string | null;
  /** JSON object: the named values of an SMS template. */
  sms_params: string | null;
  link: string | null;
  /**
   * While the row holds a verification token in clear (in link, body, html_body or sms_params):
   * when that token expires. Null on every other row, and once the token was taken out (0007).
   */
  link_expires_at: string | null;
  transport: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  sent_at: string | null;
  last_error: string | null;
  provider_id: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
}

export interface AuditEventsTable {
  /** Order of the events: given by the database on insert. */
  seq: Generated<number>;
  directory_id: string;
  contact_id: string | null;
  action: string;
  actor: string;
  /** JSON object: changed field → new value. */
  changes: string;
  request_id: string | null;
  created_at: string;
  /**
   * Who acted, when the event knows: `root` (the account's own key) or `user/<UserName>` (a RAM
   * user). Null on events written before 0008 and by writers that do not say.
   */
  principal: string | null;
  /** What the event changed (`messagecontact/<ContactId>`, `user/<UserName>`, …); null before 0009 on events without a contact. */
  resource: string | null;
  /** The event's ActionTrail ID (an upper-case UUID); null on events written before 0011. */
  event_id: string | null;
  /** `ApiCall`, `ConsoleOperation` (a verification page) or `AliyunServiceEvent` (the service's jobs, the CLI). */
  event_type: string | null;
  /** `Write` or `Read`. */
  event_rw: string | null;
  /** The ActionTrail service code (`ResourceManager`, `Ram`, `Sts`, `Actiontrail`). */
  service_name: string | null;
  /** The API version of the call; null for events of no call. */
  api_version: string | null;
  /** `root-account`, `ram-user` or `system`. */
  user_type: string | null;
  /** The RAM user's ID; null for the root identity (its account ID) and the service. */
  principal_id: string | null;
  /** `root`, the RAM user's name, or the service's name for what it did itself (`rdcontacts`, `rdcontacts-cli`, `verification-link`). */
  user_name: string | null;
  access_key_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  /** The host the request was sent to. */
  event_source: string | null;
  /** What a refused call was answered; null for a change that was made. */
  error_code: string | null;
  error_message: string | null;
  /** JSON object of the call's parameters as sent (flattened wire names), without signature fields or secrets. */
  request_parameters: string | null;
  /** JSON object: ActionTrail resource type → the names (IDs) of that type the event names. */
  resources: string | null;
  /** Every resource name the event names, each between `;` (`;c-1;fd-2;`), for the ResourceName lookup. */
  resource_names: string | null;
  /** 1 for a sensitive action (deletions, AccessKeys, login profiles, policy attachments), else 0. */
  sensitive: number | null;
}

/** A signature nonce seen on some instance, until its request could no longer be valid. */
export interface SignatureNoncesTable {
  nonce_key: string;
  /** Milliseconds since the epoch (a number: bigint columns come back as strings from pg). */
  expires_at: number | string;
}

/** The durable record of the one process serving a SQLite file: append-only, in insertion order. */
export interface NonceLogTable {
  expires_at: number | string;
  nonce_key: string;
}

/** Calls per second of one account and action, counted across instances (GCRA). */
export interface ThrottleBucketsTable {
  bucket_key: string;
  /** Milliseconds since the epoch, fractional: the next call is on time from this moment on. */
  ready_at: number;
}

// ── RAM: identities and policies (0008) ─────────────────────────────────────────────────────────
// Every row is scoped by the management account (`account_id`). Names are stored as given and
// unique per account case-insensitively: `name_key` is the lower-cased name, under a unique index.
// Flags are integers (0/1) on both dialects.

/** Every UserId and GroupId ever handed out, so that none is handed out twice, even after a delete. */
export interface RamIssuedIdsTable {
  id: string;
  kind: 'user' | 'group';
  issued_at: string;
}

export interface RamUsersTable {
  /** 16 decimal digits. */
  user_id: string;
  account_id: string;
  user_name: string;
  name_key: string;
  display_name: string | null;
  email: string | null;
  mobile_phone: string | null;
  comments: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface RamGroupsTable {
  /** `g-` + 16 letters and digits. */
  group_id: string;
  account_id: string;
  group_name: string;
  name_key: string;
  comments: string | null;
  created_at: string;
  updated_at: string;
}

export interface RamMembershipsTable {
  group_id: string;
  user_id: string;
  account_id: string;
  joined_at: string;
}

/** Custom policies; system policies are built in and never stored. */
export interface RamPoliciesTable {
  account_id: string;
  /** The lower-cased name: the policy's key. */
  name_key: string;
  policy_name: string;
  description: string | null;
  /** The number of the default version (`v<n>`). */
  default_version: number;
  /** The highest version number ever given to this policy: the next is one more, never reused. */
  last_version: number;
  created_at: string;
  updated_at: string;
}

export interface RamPolicyVersionsTable {
  account_id: string;
  policy_key: string;
  version_number: number;
  /** As the client sent it, verbatim. */
  document: string;
  created_at: string;
}

export type RamPolicyType = 'System' | 'Custom';
export type RamPrincipalType = 'User' | 'Group';

export interface RamAttachmentsTable {
  account_id: string;
  policy_type: RamPolicyType;
  /** The lower-cased policy name. */
  policy_key: string;
  principal_type: RamPrincipalType;
  /** The UserId or GroupId. */
  principal_id: string;
  attached_at: string;
}

export interface RamLoginProfilesTable {
  user_id: string;
  account_id: string;
  /** scrypt, PHC-like (`$scrypt$ln=…,r=…,p=…$salt$hash`); the password itself is never stored. */
  password_hash: string;
  /** JSON array of the hashes of the earlier passwords, newest first (PasswordReusePrevention). */
  password_history: string;
  password_reset_required: number;
  mfa_bind_required: number;
  created_at: string;
  updated_at: string;
}

/** One row per account once SetPasswordPolicy was called; the defaults apply without one. */
export interface RamPasswordPoliciesTable {
  account_id: string;
  minimum_password_length: number;
  require_lowercase_characters: number;
  require_uppercase_characters: number;
  require_numbers: number;
  require_symbols: number;
  hard_expiry: number;
  max_password_age: number;
  password_reuse_prevention: number;
  max_login_attemps: number;
  updated_at: string;
}

export interface RamPolicyTagsTable {
  account_id: string;
  policy_key: string;
  tag_key: string;
  tag_value: string;
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
  signature_nonces: SignatureNoncesTable;
  nonce_log: NonceLogTable;
  throttle_buckets: ThrottleBucketsTable;
  folder_ancestors: FolderAncestorsTable;
  members: MembersTable;
  tags: TagsTable;
  contact_bindings: ContactBindingsTable;
  contact_message_types: ContactMessageTypesTable;
  retained_recipients: RetainedRecipientsTable;
  contact_deletions: ContactDeletionsTable;
  deletion_progress: DeletionProgressTable;
  ram_issued_ids: RamIssuedIdsTable;
  ram_users: RamUsersTable;
  ram_groups: RamGroupsTable;
  ram_memberships: RamMembershipsTable;
  ram_policies: RamPoliciesTable;
  ram_policy_versions: RamPolicyVersionsTable;
  ram_attachments: RamAttachmentsTable;
  ram_login_profiles: RamLoginProfilesTable;
  ram_password_policies: RamPasswordPoliciesTable;
  ram_policy_tags: RamPolicyTagsTable;
}
