/**
 * RAM's basic policy evaluation (spec/ram.md §4.3–§4.5, §5), compiled once and evaluated on every
 * request of a RAM user.
 *
 * Compiling does all the string work that does not depend on the request: each pattern list becomes
 * a Set of its literal patterns and one RegExp for its globs, Deny statements are put first, condition keys
 * are resolved to the context field they read and condition values to numbers, instants, booleans
 * or a `BlockList`. Evaluating then costs one lower-cased action, one normalized ARN per resource
 * and a few closure calls per statement.
 *
 * The account itself (root) is not this module's concern: the caller never evaluates it.
 */
import { BlockList, SocketAddress, isIP } from 'node:net';
import {
  conditionOperators,
  parseBoolValue,
  parseDateValue,
  parseIpValue,
  parseNumericValue,
  stringValue,
  type ConditionFamily,
  type ConditionTest,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document.js';

/** The global condition keys every request carries (spec §4.5). */
export interface RequestContext {
  /** `acs:CurrentTime`: when the server received the request. */
  readonly currentTime: Date;
  /** `acs:SourceIp`: the client's address; an IPv4-mapped IPv6 address counts as IPv4. */
  readonly sourceIp: string;
  /** `acs:SecureTransport`: the request came over TLS. */
  readonly secureTransport: boolean;
  /** `acs:MFAPresent`: always false for AccessKey-signed requests. */
  readonly mfaPresent: boolean;
}

export interface AccessRequest {
  /** `<ram-code>:<ActionName>`, e.g. `resourcemanager:UpdateMessageContact`. */
  readonly action: string;
  /** In the order of the authorization table; at least one (`*` when the action has no resource). */
  readonly resources: readonly string[];
  readonly context: RequestContext;
}

export type Decision =
  | { readonly effect: 'Allow' }
  | {
      readonly effect: 'ExplicitDeny' | 'ImplicitDeny';
      /** The first resource so decided, as the request named it. */
      readonly resource: string;
    };

type TextMatcher = (text: string) => boolean;
type ArnMatcher = (arn: string | undefined) => boolean;
type ConditionCheck = (context: RequestContext) => boolean;

interface CompiledStatement {
  /** Over the lower-cased action: does one of the statement's patterns match? */
  readonly actionListed: TextMatcher;
  /** NotAction: the statement covers the actions its patterns do not match. */
  readonly notAction: boolean;
  /** Over the normalized ARN (see `normalizeArn`). */
  readonly resourceListed: ArnMatcher;
  /** All must hold. */
  readonly conditions: readonly ConditionCheck[];
}

/** What `authorize` evaluates. Build it with `compilePolicySet` and treat it as opaque. */
export interface CompiledPolicySet {
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
}

const allowed: Decision = Object.freeze({ effect: 'Allow' });

/**
 * The decision for one action on its resources: a resource is explicitly denied if an applicable
 * statement denies it, allowed if one allows it and none denies it, implicitly denied otherwise.
 * The request is ExplicitDeny if any resource is (the first such is reported), Allow if every
 * resource is, ImplicitDeny (with the first resource not allowed) otherwise.
 */
export function authorize(set: CompiledPolicySet, request: AccessRequest): Decision {
  const { resources, context } = request;
  // Fail closed: "every resource is allowed" must not hold vacuously for a table row without one.
  if (resources.length === 0) throw new RangeError('authorize needs at least one resource');
  const action = request.action.toLowerCase();
  let firstNotAllowed: string | undefined;
  for (const resource of resources) {
    const arn = normalizeArn(resource);
    if (anyApplies(set.denies, action, arn, context)) return { effect: 'ExplicitDeny', resource };
    // Once one resource is not allowed the answer is a denial; only an explicit one can still change it.
    if (firstNotAllowed === undefined && !anyApplies(set.allows, action, arn, context)) firstNotAllowed = resource;
  }
  return firstNotAllowed === undefined ? allowed : { effect: 'ImplicitDeny', resource: firstNotAllowed };
}

// Plain loops rather than `some` with a closure: this runs on every request of a RAM user.
function anyApplies(
  statements: readonly CompiledStatement[],
  action: string,
  arn: string | undefined,
  context: RequestContext,
): boolean {
  for (const statement of statements) if (applies(statement, action, arn, context)) return true;
  return false;
}

function applies(statement: CompiledStatement, action: string, arn: string | undefined, context: RequestContext): boolean {
  if (statement.actionListed(action) === statement.notAction) return false;
  if (!statement.resourceListed(arn)) return false;
  for (const condition of statement.conditions) if (!condition(context)) return false;
  return true;
}

/**
 * Compiles the default versions of every policy that applies to a user (its own and its groups').
 * The documents must come from `parsePolicyDocument`: their values are read without checking again.
 */
export function compilePolicySet(documents: readonly PolicyDocument[]): CompiledPolicySet {
  const denies: CompiledStatement[] = [];
  const allows: CompiledStatement[] = [];
  for (const document of documents) {
    for (const statement of document.statements) {
      (statement.effect === 'Deny' ? denies : allows).push(compileStatement(statement));
    }
  }
  return { denies, allows };
}

function compileStatement(statement: PolicyStatement): CompiledStatement {
  return {
    actionListed: compileActions(statement.actions),
    notAction: statement.actionElement === 'NotAction',
    resourceListed: compileResources(statement.resources),
    conditions: statement.conditions.map(compileCondition),
  };
}

// ── Globs ────────────────────────────────────────────────────────────────────────────────────

const always = (): boolean => true;
const never = (): boolean => false;

const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// `?` is one character, a surrogate pair included, without the `u` flag (which slows every test).
const oneCharacter = '(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|.)';
const oneCharacterInSegment = '(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^:])';

/** The RegExp source of a glob: `*` → `any`, `?` → `one`, every other character literal. */
function globSource(glob: string, any = '.*', one = oneCharacter): string {
  let source = '';
  for (const character of glob) source += character === '*' ? any : character === '?' ? one : escapeRegExp(character);
  return source;
}

/** One matcher for a list of patterns: a Set for the literal ones, one alternation for the globs. */
function listMatcher(literals: ReadonlySet<string>, globSources: readonly string[]): TextMatcher {
  // `s`: `*` and `?` span line breaks too.
  const globs = globSources.length > 0 ? new RegExp(`^(?:${globSources.join('|')})$`, 's') : undefined;
  if (!globs) return literals.size > 0 ? (text) => literals.has(text) : never;
  if (literals.size === 0) return (text) => globs.test(text);
  return (text) => literals.has(text) || globs.test(text);
}

/** Action patterns compare case-insensitively: both sides are lower-cased. */
function compileActions(patterns: readonly string[]): TextMatcher {
  if (patterns.includes('*')) return always;
  const literals = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    const lower = pattern.toLowerCase();
    if (hasWildcard(lower)) globs.push(globSource(lower));
    else literals.add(lower);
  }
  return listMatcher(literals, globs);
}

// ── Resources ────────────────────────────────────────────────────────────────────────────────

/**
 * `acs:<service>:<region>:<account>:<relative-id>` as `<service lower-cased>:<account>:<relative-id>`:
 * the literal `acs` and the (ignored) region dropped. Undefined for anything with fewer than four
 * `:` or not starting with `acs:`; only the pattern `*` matches such a resource.
 */
export function normalizeArn(arn: string): string | undefined {
  if (!arn.startsWith('acs:')) return undefined;
  const serviceEnd = arn.indexOf(':', 4);
  if (serviceEnd < 0) return undefined;
  const regionEnd = arn.indexOf(':', serviceEnd + 1);
  if (regionEnd < 0 || arn.indexOf(':', regionEnd + 1) < 0) return undefined;
  return `${arn.slice(4, serviceEnd).toLowerCase()}:${arn.slice(regionEnd + 1)}`;
}

function compileResources(patterns: readonly string[]): ArnMatcher {
  if (patterns.includes('*')) return always;
  const literals = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    const normalized = normalizeArn(pattern);
    if (normalized === undefined) continue; // matches nothing
    if (!hasWildcard(normalized)) {
      literals.add(normalized);
      continue;
    }
    // Service and account globs stay inside their segment; the relative id is the rest.
    const serviceEnd = normalized.indexOf(':');
    const accountEnd = normalized.indexOf(':', serviceEnd + 1);
    const segment = (glob: string): string => globSource(glob, '[^:]*', oneCharacterInSegment);
    globs.push(
      `${segment(normalized.slice(0, serviceEnd))}:${segment(normalized.slice(serviceEnd + 1, accountEnd))}:` +
        globSource(normalized.slice(accountEnd + 1)),
    );
  }
  const matches = listMatcher(literals, globs);
  return (arn) => arn !== undefined && matches(arn);
}

// ── Conditions ───────────────────────────────────────────────────────────────────────────────

/** The request's value of a key, read as each operator family needs it; undefined: not of that type. */
interface KeyReader {
  readonly text: (context: RequestContext) => string;
  readonly number: (context: RequestContext) => number | undefined;
  readonly instant: (context: RequestContext) => number | undefined;
  readonly bool: (context: RequestContext) => boolean | undefined;
  readonly ip: (context: RequestContext) => SocketAddress | undefined;
}

/** The dual-stack socket form of an IPv4 peer, `::ffff:1.2.3.4`. */
const ipv4Mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** IPv4-mapped IPv6 addresses written as IPv4, so that string operators see what IP operators see. */
export function normalizeSourceIp(address: string): string {
  const mapped = ipv4Mapped.exec(address);
  return mapped ? mapped[1]! : address;
}

/** A reader whose typed views parse the text form, for keys whose natural type is another. */
function readerOf(
  text: (context: RequestContext) => string,
  native: Partial<Omit<KeyReader, 'text'>>,
): KeyReader {
  return {
    text,
    number: native.number ?? ((context) => parseNumericValue(text(context))),
    instant: native.instant ?? ((context) => parseDateValue(text(context))),
    bool: native.bool ?? ((context) => parseBoolValue(text(context))),
    ip: native.ip ?? ((context) => singleAddress(text(context))),
  };
}

/**
 * Parsed addresses by their text. Building a `SocketAddress` costs about as much as the rest of a
 * decision (microseconds; `BlockList.check` on a string builds one per call), while a service sees
 * the same few client addresses again and again: parse each once. Bounded by starting over.
 */
const parsedAddresses = new Map<string, SocketAddress | null>();
const parsedAddressesMax = 4096;

/** The address a text names (IPv4-mapped IPv6 as IPv4); undefined if it is not a single address. */
function singleAddress(text: string): SocketAddress | undefined {
  let parsed = parsedAddresses.get(text);
  if (parsed === undefined) {
    parsed = parseAddress(normalizeSourceIp(text));
    if (parsedAddresses.size >= parsedAddressesMax) parsedAddresses.clear();
    parsedAddresses.set(text, parsed);
  }
  return parsed ?? undefined;
}

function parseAddress(address: string): SocketAddress | null {
  const version = isIP(address);
  if (version === 0) return null;
  try {
    return new SocketAddress({ address, family: version === 4 ? 'ipv4' : 'ipv6' });
  } catch {
    return null; // whatever isIP accepts and SocketAddress does not is no address to compare
  }
}

/** The keys of spec §4.5 by lower-cased name (key names compare case-insensitively). */
const contextKeys: ReadonlyMap<string, KeyReader> = new Map([
  [
    'acs:currenttime',
    readerOf((context) => context.currentTime.toISOString(), { instant: (context) => context.currentTime.getTime() }),
  ],
  [
    'acs:sourceip',
    readerOf((context) => normalizeSourceIp(context.sourceIp), { ip: (context) => singleAddress(context.sourceIp) }),
  ],
  [
    'acs:securetransport',
    readerOf((context) => String(context.secureTransport), { bool: (context) => context.secureTransport }),
  ],
  ['acs:mfapresent', readerOf((context) => String(context.mfaPresent), { bool: (context) => context.mfaPresent })],
]);

/**
 * A condition check: "matches any listed value", negated for the Not operators (met when the
 * request value matches none). A key the request does not carry matches nothing: positive
 * operators are not met, negated ones are; so is a value not of the operator's type.
 */
function compileCondition(condition: PolicyCondition): ConditionCheck {
  const { family, test, negated } = conditionOperators[condition.operator];
  const reader = contextKeys.get(condition.key.toLowerCase());
  const matchesAny = reader ? compileMatch(family, test, condition.values, reader) : never;
  return negated ? (context) => !matchesAny(context) : matchesAny;
}

type Values = PolicyCondition['values'];

function compileMatch(family: ConditionFamily, test: ConditionTest, values: Values, reader: KeyReader): ConditionCheck {
  switch (family) {
    case 'String':
      return compileStringMatch(test, values, reader.text);
    case 'Numeric':
      return compileOrderedMatch(test, values.map((value) => parseNumericValue(value)!), reader.number);
    case 'Date':
      return compileOrderedMatch(test, values.map((value) => parseDateValue(value)!), reader.instant);
    case 'Bool': {
      const listed = new Set(values.map((value) => parseBoolValue(value)!));
      const read = reader.bool;
      return (context) => {
        const value = read(context);
        return value !== undefined && listed.has(value);
      };
    }
    case 'IpAddress': {
      const ranges = new BlockList();
      for (const value of values) {
        const { address, prefix, family: ipFamily } = parseIpValue(value)!;
        ranges.addSubnet(address, prefix, ipFamily);
      }
      const read = reader.ip;
      return (context) => {
        const address = read(context);
        // BlockList also compares IPv4 and IPv4-mapped IPv6 addresses as the same address.
        return address !== undefined && ranges.check(address);
      };
    }
  }
}

type Read<T> = (context: RequestContext) => T;

function compileStringMatch(test: ConditionTest, values: Values, read: Read<string>): ConditionCheck {
  const texts = values.map(stringValue);
  if (test === 'equalsIgnoreCase') {
    const listed = new Set(texts.map((text) => text.toLowerCase()));
    return (context) => listed.has(read(context).toLowerCase());
  }
  if (test === 'like') {
    const literals = new Set(texts.filter((text) => !hasWildcard(text)));
    const like = listMatcher(literals, texts.filter(hasWildcard).map((text) => globSource(text)));
    return (context) => like(read(context));
  }
  const listed = new Set(texts);
  return (context) => listed.has(read(context));
}

/** Numbers and instants: "any listed value" reduces to one bound (the largest for less-than, …). */
function compileOrderedMatch(test: ConditionTest, listed: readonly number[], read: Read<number | undefined>): ConditionCheck {
  const max = Math.max(...listed);
  const min = Math.min(...listed);
  const set = new Set(listed);
  const compare: (value: number) => boolean =
    test === 'lessThan'
      ? (value) => value < max
      : test === 'lessThanEquals'
        ? (value) => value <= max
        : test === 'greaterThan'
          ? (value) => value > min
          : test === 'greaterThanEquals'
            ? (value) => value >= min
            : (value) => set.has(value);
  return (context) => {
    const value = read(context);
    return value !== undefined && compare(value);
  };
}
