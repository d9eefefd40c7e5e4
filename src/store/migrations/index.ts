/** Schema migrations, in order. Each runs once, inside Kysely's migrator, on every dialect. */
import type { Migration, MigrationProvider } from 'kysely';
import { core } from './0001-core.js';
import { directory } from './0002-directory.js';
import { writePath } from './0003-write-path.js';
import { delivery } from './0004-delivery.js';
import { signatureNonces } from './0005-signature-nonces.js';
import { throttleBuckets } from './0006-throttle-buckets.js';
import { linkExpiry } from './0007-link-expiry.js';
import { ramIdentities } from './0008-ram-identities.js';
import { auditResource } from './0009-audit-resource.js';
import { nonceLog } from './0010-nonce-log.js';
import { auditEvents } from './0011-audit-events.js';

const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_directory': directory,
  '0003_write_path': writePath,
  '0004_delivery': delivery,
  '0005_signature_nonces': signatureNonces,
  '0006_throttle_buckets': throttleBuckets,
  '0007_link_expiry': linkExpiry,
  '0008_ram_identities': ramIdentities,
  '0009_audit_resource': auditResource,
  '0010_nonce_log': nonceLog,
  '0011_audit_events': auditEvents,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
