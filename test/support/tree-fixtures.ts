/**
 * Folders and member accounts written straight into a store, for suites that need a directory tree
 * before (or without) the directory actions. Rows keep the schema's invariants: depth and the
 * folder_ancestors closure (each folder with every ancestor, itself at distance 0).
 */
import { customAlphabet } from 'nanoid';
import type { Store } from '../../src/store/store.js';

const alnum = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 10);
const digits = customAlphabet('0123456789', 15);
let sequence = 0;

/** Creates folder `name` under `parentId` (a Root or folder ID); returns its `fd-` ID. */
export async function addFolder(store: Store, directoryId: string, parentId: string, name: string): Promise<string> {
  const db = store.tree.db;
  const parent = await db.selectFrom('folders').select(['depth']).where('id', '=', parentId).executeTakeFirstOrThrow();
  const ancestors = await db
    .selectFrom('folder_ancestors')
    .select(['ancestor_id', 'distance'])
    .where('folder_id', '=', parentId)
    .orderBy('distance')
    .execute();
  const id = `fd-${alnum()}`;
  const now = new Date(Date.now() + sequence++).toISOString();
  await db
    .insertInto('folders')
    .values({ id, directory_id: directoryId, parent_folder_id: parentId, name, created_at: now, depth: parent.depth + 1 })
    .execute();
  await db
    .insertInto('folder_ancestors')
    .values([
      { folder_id: id, ancestor_id: id, distance: 0 },
      ...ancestors.map((a) => ({ folder_id: id, ancestor_id: a.ancestor_id, distance: a.distance + 1 })),
    ])
    .execute();
  return id;
}

/** Creates a member account (ResourceAccount) in `folderId`; returns its 16-digit ID. */
export async function addMember(store: Store, directoryId: string, folderId: string, displayName: string): Promise<string> {
  const id = `9${digits()}`;
  const now = new Date(Date.now() + sequence++).toISOString();
  await store.tree.db
    .insertInto('members')
    .values({
      id,
      directory_id: directoryId,
      folder_id: folderId,
      display_name: displayName,
      account_name: `${displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}${sequence}@${directoryId.toLowerCase()}.aliyunid.com`,
      type: 'ResourceAccount',
      status: 'CreateSuccess',
      join_method: 'created',
      join_time: now,
      modify_time: now,
      payer_account_id: null,
      resell_account_type: 'resell',
      removed_at: null,
      version: 1,
    })
    .execute();
  return id;
}

/** The Root folder ID of a directory. */
export async function rootFolderOf(store: Store, directoryId: string): Promise<string> {
  const row = await store.tree.db.selectFrom('directories').select('root_folder_id').where('id', '=', directoryId).executeTakeFirstOrThrow();
  return row.root_folder_id;
}

/** Binds a contact straight in the store (what AssociateMembers records). */
export async function bindContact(
  store: Store,
  contactId: string,
  memberId: string,
  kind: 'directory' | 'folder' | 'account',
): Promise<void> {
  await store.tree.db
    .insertInto('contact_bindings')
    .values({ contact_id: contactId, member_id: memberId, member_kind: kind, created_at: new Date().toISOString() })
    .execute();
}
