/**
 * 0011: audit events readable as ActionTrail events. Each event gets what LookupEvents answers and
 * filters on: its ID, type, read/write kind, the service and API version, who acted (identity type,
 * principal ID, user name, AccessKey), where from (source IP, user agent, host), how it failed
 * (error code and message, for refused calls), the request's parameters (never a secret), the
 * resources it names, and whether it is sensitive.
 *
 * One index, on (directory, time, sequence): every lookup is one account's events in a time window,
 * newest or oldest first, and an event is appended at the end of its directory's range, so the index
 * costs a write path about one page. The other lookup keys (event name, user, AccessKey, resource…)
 * are predicates on the rows that range holds.
 *
 * Events written before it are given what can be told of them: API calls (an AccessKey as actor)
 * signed by the root identity unless 0008 recorded a RAM user (with that user's ID); confirmations
 * on the verification page; deletion-job steps as events of the service itself, under their new
 * names; each its ID, the resource 0009 recorded by type, and whether its action is sensitive, so
 * that every lookup finds them as they are answered.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { isSqlite } from '../dialect.js';

export const auditEvents: Migration = {
  async up(db: Kysely<any>) {
    const columns: [string, string][] = [
      ['event_id', 'varchar(36)'],
      ['event_type', 'varchar(32)'],
      ['event_rw', 'varchar(8)'],
      ['service_name', 'varchar(32)'],
      ['api_version', 'varchar(16)'],
      ['user_type', 'varchar(16)'],
      ['principal_id', 'varchar(64)'],
      ['user_name', 'varchar(128)'],
      ['access_key_id', 'varchar(64)'],
      ['source_ip', 'varchar(64)'],
      ['user_agent', 'varchar(1024)'],
      ['event_source', 'varchar(300)'],
      ['error_code', 'varchar(128)'],
      ['error_message', 'text'],
      ['request_parameters', 'text'],
      ['resources', 'text'],
      ['resource_names', 'text'],
      ['sensitive', 'integer'],
    ];
    for (const [name, type] of columns) await db.schema.alterTable('audit_events').addColumn(name, sql.raw(type)).execute();

    await sql`update audit_events set action = 'ConfirmMessageContactVerification' where action = 'ConfirmVerification'`.execute(db);
    await sql`update audit_events set action = 'DeleteMessageContactStep' where action = 'DeletionJob.Account'`.execute(db);
    await sql`update audit_events set action = 'FinishMessageContactDeletion' where action = 'DeletionJob.Finished'`.execute(db);
    // The name after `kind/` in `resource`: SQLite finds the slash with instr, PostgreSQL with strpos.
    const slash = isSqlite(db) ? sql`instr(resource, '/')` : sql`strpos(resource, '/')`;
    await sql`
      update audit_events set
        event_type = case
          when action in ('DeleteMessageContactStep', 'FinishMessageContactDeletion') then 'AliyunServiceEvent'
          when actor = 'verification-link' then 'ConsoleOperation'
          else 'ApiCall' end,
        event_rw = 'Write',
        service_name = case
          when resource like 'user/%' or resource like 'group/%' or resource like 'policy/%'
            or resource like 'accesskey/%' or resource = 'passwordpolicy' then 'Ram'
          else 'ResourceManager' end,
        resource_names = case when resource is null then null
          else ';' || substr(resource, ${slash} + 1) || ';' end`.execute(db);
    await sql`
      update audit_events set
        user_type = case
          when event_type <> 'ApiCall' then 'system'
          when principal like 'user/%' then 'ram-user'
          else 'root-account' end,
        user_name = case
          when event_type = 'AliyunServiceEvent' then 'rdcontacts'
          when event_type = 'ConsoleOperation' then 'verification-link'
          when principal like 'user/%' then substr(principal, 6)
          else 'root' end,
        access_key_id = case when event_type = 'ApiCall' then actor else null end`.execute(db);

    // What LookupEvents answers an older event with, it must find it by: the ID derived from its
    // sequence number (as the event shape derives it), its resource by type, the RAM user's ID
    // (from the AccessKey it signed with, else the user of that name), whether it is sensitive.
    const hexSeq = isSqlite(db) ? sql`upper(printf('%012x', seq))` : sql`lpad(upper(to_hex(seq)), 12, '0')`;
    await sql`update audit_events set event_id = '00000000-0000-4000-8000-' || ${hexSeq} where event_id is null`.execute(db);
    const has = (text: string) => (isSqlite(db) ? sql`instr(resource, ${text}) > 0` : sql`strpos(resource, ${text}) > 0`);
    await sql`
      update audit_events set resources = '{"' || case
          when resource like 'messagecontact/%' then 'ACS::ResourceManager::MessageContact'
          when resource like 'folder/%' then 'ACS::ResourceManager::Folder'
          when resource like 'account/%' then 'ACS::ResourceManager::Account'
          when resource like 'user/%' then 'ACS::RAM::User'
          when resource like 'group/%' then 'ACS::RAM::Group'
          when resource like 'policy/%' then 'ACS::RAM::Policy'
          when resource like 'accesskey/%' then 'ACS::RAM::AccessKey'
          when resource = 'passwordpolicy' then 'ACS::RAM::PasswordPolicy' end
        || '":["' || substr(resource, ${slash} + 1) || '"]}'
      where resource is not null and not (${has('"')}) and not (${has('\\')})`.execute(db);
    await sql`
      update audit_events set principal_id = coalesce(
        (select k.user_id from access_keys k where k.id = audit_events.access_key_id),
        (select u.user_id from ram_users u join directories d on d.master_account_id = u.account_id
          where d.id = audit_events.directory_id and u.name_key = lower(audit_events.user_name)))
      where user_type = 'ram-user'`.execute(db);
    // The sensitive actions of src/domain/audit.ts when this migration was written.
    const sensitive = [
      'DeleteMessageContact', 'DisassociateMembers', 'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'DeleteLoginProfile',
      'UpdateLoginProfile', 'AttachPolicyToUser', 'AttachPolicyToGroup', 'DetachPolicyFromUser', 'DetachPolicyFromGroup',
      'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion', 'DeleteUser', 'DeletePolicy',
    ];
    await sql`update audit_events set sensitive = case when action in (${sql.join(sensitive)}) then 1 else 0 end`.execute(db);

    await db.schema.createIndex('audit_events_lookup').on('audit_events').columns(['directory_id', 'created_at', 'seq']).execute();
  },
};
