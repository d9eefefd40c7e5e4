/**
 * The resources an audit event names, by ActionTrail resource type: what the change was made to,
 * and the other resources its fields name (the members of a binding, the user of an AccessKey, the
 * policy of an attachment, the account of a deletion step).
 */

/** The resource type of each kind of resource path (`messagecontact/<ContactId>`, …). */
const typeOfKind: Readonly<Record<string, string>> = {
  messagecontact: 'ACS::ResourceManager::MessageContact',
  folder: 'ACS::ResourceManager::Folder',
  account: 'ACS::ResourceManager::Account',
  resourcedirectory: 'ACS::ResourceManager::ResourceDirectory',
  delivery: 'ACS::ResourceManager::MessageDelivery',
  user: 'ACS::RAM::User',
  group: 'ACS::RAM::Group',
  policy: 'ACS::RAM::Policy',
  accesskey: 'ACS::RAM::AccessKey',
  passwordpolicy: 'ACS::RAM::PasswordPolicy',
};

/** Fields (of a change or of a call's parameters) that name a resource, with its type. */
const typeOfField: Readonly<Record<string, string>> = {
  ContactId: typeOfKind.messagecontact!,
  FolderId: typeOfKind.folder!,
  ParentFolderId: typeOfKind.folder!,
  DestinationFolderId: typeOfKind.folder!,
  AccountId: typeOfKind.account!,
  UserName: typeOfKind.user!,
  NewUserName: typeOfKind.user!,
  GroupName: typeOfKind.group!,
  PolicyName: typeOfKind.policy!,
  AccessKeyId: typeOfKind.accesskey!,
  UserAccessKeyId: typeOfKind.accesskey!,
  DeliveryId: typeOfKind.delivery!,
};

/** What a member of a binding is, by the shape of its ID. */
function memberType(id: string): string {
  if (id.startsWith('rd-')) return typeOfKind.resourcedirectory!;
  if (id.startsWith('r-') || id.startsWith('fd-')) return typeOfKind.folder!;
  return typeOfKind.account!;
}

/** Collects names by type, each once, in the order they are added. */
class ResourceSet {
  readonly byType: Record<string, string[]> = {};

  add(type: string, name: unknown): void {
    if (typeof name !== 'string' || name === '') return;
    const names = (this.byType[type] ??= []);
    if (!names.includes(name)) names.push(name);
  }
}

/** The resources of an event: its resource path first, then what its changed fields name. */
export function referencedResources(resourcePath: string | null, changes: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const set = new ResourceSet();
  if (resourcePath !== null) {
    const slash = resourcePath.indexOf('/');
    const kind = slash < 0 ? resourcePath : resourcePath.slice(0, slash);
    const type = typeOfKind[kind];
    if (type !== undefined) set.add(type, slash < 0 ? kind : resourcePath.slice(slash + 1));
  }
  addFields(set, changes);
  return set.byType;
}

/** The resources a call's parameters name (`Members.N` and `ResourceNames` included), for a refused call. */
export function resourcesOfParameters(parameters: Readonly<Record<string, string>>): Record<string, string[]> {
  const set = new ResourceSet();
  const members: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    if (/^Members\.\d+$/.test(name)) members.push(value);
  }
  addFields(set, { ...parameters, ...(members.length > 0 ? { Members: members } : {}) });
  return set.byType;
}

function addFields(set: ResourceSet, fields: Readonly<Record<string, unknown>>): void {
  for (const [field, value] of Object.entries(fields)) {
    const type = typeOfField[field];
    if (type !== undefined) set.add(type, value);
  }
  const members = fields.Members;
  if (Array.isArray(members)) for (const member of members) if (typeof member === 'string') set.add(memberType(member), member);
  const names = fields.ResourceNames;
  if (fields.ResourceType === 'policy' && Array.isArray(names)) for (const name of names) set.add(typeOfKind.policy!, name);
}

/**
 * The service an event of no call is filed under: RAM for identities, Resource Management otherwise,
 * by the resource the event is about (the first one named): an AccessKey of an account is RAM's.
 */
export function serviceOfResources(resources: Readonly<Record<string, string[]>>): string {
  const [type] = Object.keys(resources);
  return type?.startsWith('ACS::RAM::') ? 'Ram' : 'ResourceManager';
}
