/**
 * 0009: every audit event names the resource it changed (`messagecontact/<ContactId>`,
 * `folder/<FolderId>`, `account/<AccountId>`, `user/<UserName>`, `group/<GroupName>`,
 * `policy/<PolicyName>`, `accesskey/<AccessKeyId>`, `passwordpolicy`), beside the principal that
 * 0008 added. Events written before it that name a contact get that contact as their resource.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export const auditResource: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('audit_events').addColumn('resource', 'varchar(300)').execute();
    await sql`update audit_events set resource = 'messagecontact/' || contact_id where contact_id is not null`.execute(db);
  },
};
