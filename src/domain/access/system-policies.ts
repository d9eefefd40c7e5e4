/**
 * The built-in (`PolicyType: System`) policies of spec/ram.md §6, as data.
 *
 * Documents are the spec's text verbatim: GetPolicy/GetPolicyVersion answer with exactly these
 * strings. Each is parsed once here, at module load, so a typo in this table fails every test
 * instead of turning into a policy that silently grants nothing.
 */
import { parsePolicyDocument, type PolicyDocument } from './policy-document.js';

export interface SystemPolicy {
  readonly policyName: string;
  readonly policyType: 'System';
  readonly description: string;
  /** The only version, and the default one. */
  readonly defaultVersion: string;
  /** As GetPolicyVersion answers it. */
  readonly policyDocument: string;
  readonly document: PolicyDocument;
  /** Stored form (ISO-8601 UTC with milliseconds). */
  readonly createDate: string;
  readonly updateDate: string;
}

/**
 * For the three policies whose dates the spec does not give, a chosen constant: the creation date
 * the spec gives for AliyunRAMReadOnlyAccess (RAM's launch), never changing, so every answer about
 * them is the same on every server and every day.
 */
const ramLaunchDate = '2015-04-28T16:15:45.000Z';

type Row = Omit<SystemPolicy, 'policyType' | 'document'>;

const rows: readonly Row[] = [
  {
    policyName: 'AdministratorAccess',
    description: 'Provides full access to Alibaba Cloud services and resources.',
    defaultVersion: 'v1',
    policyDocument: '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}',
    createDate: ramLaunchDate,
    updateDate: ramLaunchDate,
  },
  {
    policyName: 'AliyunResourceDirectoryFullAccess',
    description: 'Provides full access to Resource Directory Service(ResourceDirectory) via Management Console.',
    defaultVersion: 'v1',
    policyDocument: '{"Version":"1","Statement":[{"Action":"resourcemanager:*","Resource":"*","Effect":"Allow"}]}',
    createDate: ramLaunchDate,
    updateDate: ramLaunchDate,
  },
  {
    policyName: 'AliyunResourceDirectoryReadOnlyAccess',
    description: 'Provides read-only access to Resource Directory Service(ResourceDirectory) via Management Console.',
    defaultVersion: 'v6',
    policyDocument:
      '{"Version":"1","Statement":[{"Action":["resourcemanager:Get*","resourcemanager:List*"],"Resource":"*","Effect":"Allow"}]}',
    createDate: '2019-09-24T08:02:56.000Z',
    updateDate: '2022-07-21T07:38:47.000Z',
  },
  {
    policyName: 'AliyunRAMFullAccess',
    description: 'Provides full access to Resource Access Management(RAM) via Management Console.',
    defaultVersion: 'v1',
    policyDocument: '{"Statement":[{"Action":"ram:*","Effect":"Allow","Resource":"*"}],"Version":"1"}',
    createDate: ramLaunchDate,
    updateDate: ramLaunchDate,
  },
  {
    policyName: 'AliyunRAMReadOnlyAccess',
    description: 'Provides read-only access to Resource Access Management(RAM) via Management Console.',
    defaultVersion: 'v3',
    policyDocument:
      '{"Version":"1","Statement":[{"Action":["ram:Get*","ram:List*","ram:GenerateCredentialReport"],"Resource":"*","Effect":"Allow"},{"Effect":"Allow","Action":["accessanalyzer:Get*","accessanalyzer:List*"],"Resource":"*"}]}',
    createDate: '2015-04-28T16:15:45.000Z',
    updateDate: '2025-12-03T10:03:48.000Z',
  },
];

/** In the order of spec §6. */
export const systemPolicies: readonly SystemPolicy[] = Object.freeze(
  rows.map((row) => Object.freeze({ ...row, policyType: 'System' as const, document: parsePolicyDocument(row.policyDocument) })),
);

const byName: ReadonlyMap<string, SystemPolicy> = new Map(
  systemPolicies.map((policy) => [policy.policyName.toLowerCase(), policy]),
);

/** The system policy of that name, compared case-insensitively like every RAM name; undefined if none. */
export const systemPolicy = (name: string): SystemPolicy | undefined => byName.get(name.toLowerCase());
