/**
 * How an action is declared: its name, its typed parameters, what RAM evaluates before it runs, and
 * its handler. The wire coerces the parameters from their string form once, here, so handlers see
 * numbers, booleans and arrays. A product (ResourceDirectoryMaster, Ram, Sts) is a folder of such
 * declarations with its version and RAM code.
 */
import type { MessageService } from '../domain/messages.js';
import { ApiError, type ErrorCode, errorCatalogue } from '../domain/errors.js';
import type { Tenant } from '../domain/tenant.js';
import type { ContactService } from '../domain/contacts.js';
import type { VerificationService } from '../domain/verification.js';
import type { BindingService } from '../domain/bindings.js';
import type { DirectoryService } from '../domain/directory/service.js';
import type { RecipientService } from '../domain/recipients.js';
import type { RamServices } from '../domain/identities/services.js';
import type { AuditTrail } from '../domain/audit-trail.js';
import type { OutboxService } from '../domain/outbox.js';
import { listIndex, listParam } from '../wire/params.js';

export interface ParamSpec {
  kind: 'string' | 'text' | 'integer' | 'boolean' | 'list' | 'tags' | 'shrunkTags';
  min?: number;
  max?: number;
  /** The error a malformed value is answered with, where the product names one (else `InvalidParameter.<Name>`). */
  invalid?: ErrorCode;
}

export const param = {
  /** A string; sent empty, it counts as not given. */
  string: (): { kind: 'string' } => ({ kind: 'string' }),
  /**
   * A string whose empty value is a value, not an absence: an Update's `New*` field sent as `""`
   * clears what it names (Terraform's way of removing a value, spec ram.md §1.3).
   */
  text: (): { kind: 'text' } => ({ kind: 'text' }),
  integer: (min: number, max: number): { kind: 'integer'; min: number; max: number } => ({ kind: 'integer', min, max }),
  boolean: (): { kind: 'boolean' } => ({ kind: 'boolean' }),
  list: (): { kind: 'list' } => ({ kind: 'list' }),
  /** `Name.N.Key` / `Name.N.Value` pairs (N from 1 to 100, gaps tolerated), in N order; checked by the domain. */
  tags: (invalid?: ErrorCode): { kind: 'tags'; invalid?: ErrorCode } => ({ kind: 'tags', ...(invalid ? { invalid } : {}) }),
  /**
   * Tags as the RAM SDK sends them, one JSON-array string under the name (its "shrink" style,
   * `Tag=[{"Key":"k","Value":"v"}]`), handed on as text for the product to parse under its rules;
   * or `Name.N.Key` / `Name.N.Value` pairs as `tags()` reads them. Both forms at once are refused.
   */
  shrunkTags: (): { kind: 'shrunkTags' } => ({ kind: 'shrunkTags' }),
};

/** One `Tag.N` item as it arrived: a Key-less item has key `undefined`, a Value-less one value `undefined`. */
export interface TagParam {
  key: string | undefined;
  value: string | undefined;
}

/** A `shrunkTags()` parameter: the JSON text as sent, or the `Name.N` pairs. */
export type ShrunkTags = { json: string } | { pairs: TagParam[] };

type ValueOf<S extends ParamSpec> = S['kind'] extends 'string' | 'text'
  ? string
  : S['kind'] extends 'integer'
    ? number
    : S['kind'] extends 'boolean'
      ? boolean
      : S['kind'] extends 'tags'
        ? TagParam[]
        : S['kind'] extends 'shrunkTags'
          ? ShrunkTags
          : string[];

export type ParamValues<P extends Record<string, ParamSpec>> = { [K in keyof P]: ValueOf<P[K]> | undefined };

export interface Services {
  contacts: ContactService;
  verification: VerificationService;
  directory: DirectoryService;
  bindings: BindingService;
  recipients: RecipientService;
  messages: MessageService;
  /** RAM: users, groups, AccessKeys, login profiles, the password policy, policies and attachments. */
  ram: RamServices;
  /** The audit trail: lookups and refused calls. */
  audit: AuditTrail;
  /** What the outbox transport holds. */
  outbox: OutboxService;
}

export interface ActionContext {
  tenant: Tenant;
  services: Services;
}

/**
 * What an action's resource ARNs are built from: the request's parameters as sent (strings, before
 * any check), so that a caller who may not act is refused before anything is looked up or
 * validated, and never learns whether the object exists.
 */
export interface ResourceContext {
  tenant: Tenant;
  services: Services;
  params: Readonly<Record<string, string>>;
}

/**
 * The resources RAM evaluates for one call, in the order of the spec's authorization table; a RAM
 * user must be allowed on every one. Computed only for RAM users (the root identity is never
 * evaluated).
 */
export type ResourcesOf = (context: ResourceContext) => readonly string[] | Promise<readonly string[]>;

/** A success body without RequestId; the wire adds it. */
export type ResponseBody = Record<string, unknown>;

export interface Action<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
  name: string;
  /**
   * The action only reads: it changes nothing, whatever its parameters. Every other action is
   * state-changing, and its nonce is kept in the database before it runs (replays are refused
   * across restarts).
   */
  readOnly?: true;
  /**
   * The resource ARNs RAM evaluates `<ram code>:<name>` against, or `'public'` for an action every
   * authenticated caller may call (Sts GetCallerIdentity). An action that declares neither is
   * refused to every RAM user on `*` (fail closed).
   */
  resources?: ResourcesOf | 'public';
  params: P;
  handle(context: ActionContext, params: ParamValues<P>): Promise<ResponseBody>;
}

export function defineAction<P extends Record<string, ParamSpec>>(action: Action<P>): Action {
  return action as unknown as Action;
}

/** A product on the endpoint: the actions of one (product, version) pair. */
export interface Product {
  /** The product's name, as the SDKs and error pages write it. */
  name: string;
  version: string;
  /** The prefix of its RAM action names (`resourcemanager`, `ram`, `sts`). */
  ramCode: string;
  /** The ActionTrail service code its events are filed under (`ResourceManager`, `Ram`, `Sts`, `Actiontrail`). */
  serviceName: string;
  actions: ReadonlyMap<string, Action>;
}

export function defineProduct(product: Omit<Product, 'actions'> & { actions: readonly Action[] }): Product {
  return { ...product, actions: new Map(product.actions.map((action) => [action.name, action])) };
}

function invalid(name: string, spec?: ParamSpec): ApiError {
  if (spec?.invalid) return new ApiError(spec.invalid);
  const code = `InvalidParameter.${name}`;
  return new ApiError(code in errorCatalogue ? (code as ErrorCode) : 'BadRequest');
}

/**
 * Coerces raw string parameters to the declared types. An empty string counts as not given, except
 * for `text` parameters. Parameters that are not declared (RegionId, Format, OwnerId, …) are ignored.
 */
export function coerceParams(
  specs: Record<string, ParamSpec>,
  raw: Readonly<Record<string, string>>,
): ParamValues<Record<string, ParamSpec>> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.kind === 'tags') {
      values[name] = tagsParam(raw, name, spec);
      continue;
    }
    if (spec.kind === 'shrunkTags') {
      values[name] = shrunkTagsParam(raw, name);
      continue;
    }
    if (spec.kind === 'text') {
      values[name] = raw[name];
      continue;
    }
    if (spec.kind === 'list') {
      const list = listParam(raw, name, () => invalid(name))?.filter((item) => item !== '');
      values[name] = list && list.length > 0 ? list : undefined;
      continue;
    }
    const text = raw[name];
    if (text === undefined || text === '') {
      values[name] = undefined;
    } else if (spec.kind === 'string') {
      values[name] = text;
    } else if (spec.kind === 'integer') {
      if (!/^\d{1,9}$/.test(text)) throw invalid(name);
      const number = Number(text);
      if ((spec.min !== undefined && number < spec.min) || (spec.max !== undefined && number > spec.max)) {
        throw invalid(name);
      }
      values[name] = number;
    } else {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw invalid(name);
      values[name] = lower === 'true';
    }
  }
  return values as ParamValues<Record<string, ParamSpec>>;
}

/** The JSON text under `name` (when not empty) or the `name.N` pairs; undefined when neither is given. */
function shrunkTagsParam(raw: Readonly<Record<string, string>>, name: string): ShrunkTags | undefined {
  const json = raw[name];
  const pairs = tagsParam(raw, name);
  const hasJson = json !== undefined && json !== '';
  if (hasJson && pairs !== undefined) throw invalid(name);
  if (hasJson) return { json };
  return pairs === undefined ? undefined : { pairs };
}

/**
 * Every `name.N.Key` / `name.N.Value` of the request, grouped by N and ordered by it; undefined when
 * none. Any other key under `name.` (an index out of range, a third part other than Key or Value)
 * is refused, never dropped.
 */
function tagsParam(raw: Readonly<Record<string, string>>, name: string, spec?: ParamSpec): TagParam[] | undefined {
  const prefix = `${name}.`;
  const items = new Map<number, TagParam>();
  for (const [key, text] of Object.entries(raw)) {
    if (!key.startsWith(prefix)) continue;
    const [indexText = '', part, ...rest] = key.slice(prefix.length).split('.');
    const index = listIndex(indexText);
    if (index === undefined || (part !== 'Key' && part !== 'Value') || rest.length > 0) throw invalid(name, spec);
    const item = items.get(index) ?? { key: undefined, value: undefined };
    if (part === 'Key') item.key = text;
    else item.value = text;
    items.set(index, item);
  }
  if (items.size === 0) return undefined;
  return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}
