/**
 * The resources RAM evaluates for the directory's actions (ram.md §7.1–7.2), built from the
 * parameters as sent. An ID that names nothing is written into the ARN as given, so a denied caller
 * gets the same answer for an object that exists and for one that does not.
 */
import { accountArn, accountCollectionArn, allResources, contactArn, contactCollectionArn, folderArn } from '../../domain/access/arns.js';
import type { ResourceContext, ResourcesOf } from '../define.js';

/** `messagecontact/<ContactId>`, or `messagecontact/*` when the action may go without one. */
export function contact(options: { absentMeansAll?: boolean } = {}): ResourcesOf {
  return ({ tenant, params }) => {
    const id = params.ContactId;
    return [contactArn(tenant.accountId, id === undefined || id === '' ? (options.absentMeansAll ? '*' : '') : id)];
  };
}

/** `messagecontact/*`: creating a contact and listing them. */
export const allContacts: ResourcesOf = ({ tenant }) => [contactCollectionArn(tenant.accountId)];

/** `account/*`: listing the member accounts. */
export const allAccounts: ResourcesOf = ({ tenant }) => [accountCollectionArn(tenant.accountId)];

/** `*` ("All Resources" in the spec's table). */
export const everything: ResourcesOf = () => [allResources];

async function folderResource({ tenant, services, params }: ResourceContext, name: string): Promise<string> {
  const given = params[name];
  return folderArn(tenant.accountId, (await services.directory.folderPath(tenant, given)) ?? given ?? '');
}

async function accountResource({ tenant, services, params }: ResourceContext, name: string): Promise<string> {
  const given = params[name];
  return accountArn(tenant.accountId, (await services.directory.accountPath(tenant, given)) ?? given ?? '');
}

/** `folder/<ResourceDirectoryPath>` of the folder a parameter names (Root when it is absent). */
export function folder(name: string): ResourcesOf {
  return async (context) => [await folderResource(context, name)];
}

/** `account/<ResourceDirectoryPath>` of the member account a parameter names. */
export function account(name = 'AccountId'): ResourcesOf {
  return async (context) => [await accountResource(context, name)];
}

/** MoveAccount: the account, then the folder it goes to. */
export const accountAndDestination: ResourcesOf = async (context) => [
  await accountResource(context, 'AccountId'),
  await folderResource(context, 'DestinationFolderId'),
];
