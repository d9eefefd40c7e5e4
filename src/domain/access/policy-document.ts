/**
 * The RAM policy language as rdcontacts accepts it (spec/ram.md §4.1–§4.2): one function turns the
 * text a client sent to CreatePolicy/CreatePolicyVersion into a normalized document, or refuses it
 * with `MalformedPolicyDocument` and a message naming the first problem.
 *
 * The document keeps what the evaluator needs and nothing else (a `Sid` is kept for diagnostics
 * only); the text itself is stored verbatim by the caller, so nothing here needs to round-trip.
 * The per-operator value parsers are exported because the evaluator compiles the very same values:
 * a value that passed validation here is one the evaluator can read.
 */
import { isIP } from 'node:net';
import { ApiError } from '../errors.js';

/** Longest accepted document, in characters (spec §1.6: 1–6144). */
export const policyDocumentMaxLength = 6144;

export type Effect = 'Allow' | 'Deny';

/** A condition value as JSON gave it; its meaning depends on the operator. */
export type ConditionValue = string | number | boolean;

export type ConditionFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress';

/** How a request value is compared with one listed value. */
export type ConditionTest =
  | 'equals'
  | 'equalsIgnoreCase'
  | 'like'
  | 'lessThan'
  | 'lessThanEquals'
  | 'greaterThan'
  | 'greaterThanEquals'
  | 'inRange';

export interface OperatorRule {
  readonly family: ConditionFamily;
  readonly test: ConditionTest;
  /** Met when the request value matches none of the listed values (and when the key is absent). */
  readonly negated: boolean;
}

const rule = (family: ConditionFamily, test: ConditionTest, negated = false): OperatorRule => ({ family, test, negated });

/** Every operator of spec §4.4, by its exact (case-sensitive) name. */
export const conditionOperators = {
  StringEquals: rule('String', 'equals'),
  StringNotEquals: rule('String', 'equals', true),
  StringEqualsIgnoreCase: rule('String', 'equalsIgnoreCase'),
  StringNotEqualsIgnoreCase: rule('String', 'equalsIgnoreCase', true),
  StringLike: rule('String', 'like'),
  StringNotLike: rule('String', 'like', true),
  NumericEquals: rule('Numeric', 'equals'),
  NumericNotEquals: rule('Numeric', 'equals', true),
  NumericLessThan: rule('Numeric', 'lessThan'),
  NumericLessThanEquals: rule('Numeric', 'lessThanEquals'),
  NumericGreaterThan: rule('Numeric', 'greaterThan'),
  NumericGreaterThanEquals: rule('Numeric', 'greaterThanEquals'),
  DateEquals: rule('Date', 'equals'),
  DateNotEquals: rule('Date', 'equals', true),
  DateLessThan: rule('Date', 'lessThan'),
  DateLessThanEquals: rule('Date', 'lessThanEquals'),
  DateGreaterThan: rule('Date', 'greaterThan'),
  DateGreaterThanEquals: rule('Date', 'greaterThanEquals'),
  Bool: rule('Bool', 'equals'),
  IpAddress: rule('IpAddress', 'inRange'),
  NotIpAddress: rule('IpAddress', 'inRange', true),
} as const satisfies Record<string, OperatorRule>;

export type ConditionOperator = keyof typeof conditionOperators;

/** One `operator: { key: values }` pair; a statement applies only if all of its conditions are met. */
export interface PolicyCondition {
  readonly operator: ConditionOperator;
  /** As written; keys compare case-insensitively at evaluation. */
  readonly key: string;
  /** Never empty; the condition is met if the request value matches any of them. */
  readonly values: readonly ConditionValue[];
}

export interface PolicyStatement {
  /** Kept only so that diagnostics can name a statement; it has no effect on evaluation. */
  readonly sid: string | undefined;
  readonly effect: Effect;
  /** `Action`: the statement covers the actions its patterns match; `NotAction`: every other action. */
  readonly actionElement: 'Action' | 'NotAction';
  /** Never empty; each `*` or contains a `:`. */
  readonly actions: readonly string[];
  /** Never empty; each `*` or starts with `acs:`. */
  readonly resources: readonly string[];
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyDocument {
  readonly version: '1';
  /** Never empty. */
  readonly statements: readonly PolicyStatement[];
}

const malformed = (message: string): ApiError => new ApiError('MalformedPolicyDocument', {}, { message });

/** A value as a message shows it: strings as they are, anything else as its JSON text. */
const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

type JsonObject = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const topLevelKeys = new Set(['Version', 'Statement']);
const statementKeys = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'Condition']);

/** Characters as a person counts them (code points), the way the service's other length limits count. */
function exceedsMaxLength(text: string): boolean {
  // Every code point is at most two UTF-16 units, so a short string needs no counting.
  if (text.length <= policyDocumentMaxLength) return false;
  let count = 0;
  for (const _ of text) if (++count > policyDocumentMaxLength) return true;
  return false;
}

/**
 * Validates a policy document and returns it normalized (one-element lists become arrays).
 * Throws `InvalidParameter.PolicyDocument.Length` beyond 6144 characters and
 * `MalformedPolicyDocument`, with the message of spec §4.2 for the first problem, otherwise.
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  if (exceedsMaxLength(text)) throw new ApiError('InvalidParameter.PolicyDocument.Length');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!isObject(json)) throw malformed(`Unsupported element ${show(json)}.`);
  for (const key of Object.keys(json)) {
    if (!topLevelKeys.has(key)) throw malformed(`Unsupported element ${key}.`);
  }
  if (json['Version'] !== '1') throw malformed('The policy must contain a valid version string.');
  const statements = json['Statement'];
  if (!Array.isArray(statements) || statements.length === 0) throw malformed('Missing required field Statement.');
  return { version: '1', statements: statements.map(parseStatement) };
}

function parseStatement(statement: unknown): PolicyStatement {
  if (!isObject(statement)) throw malformed(`Unsupported element ${show(statement)} in statement.`);
  // Unknown elements first, NotResource/Principal/NotPrincipal among them: a statement that says
  // more than we understand must not be read as if it said less.
  for (const key of Object.keys(statement)) {
    if (!statementKeys.has(key)) throw malformed(`Unsupported element ${key} in statement.`);
  }
  const sid = statement['Sid'];
  if (sid !== undefined && typeof sid !== 'string') throw malformed('Unsupported element Sid in statement.');
  // Then the elements in the order of the §4.2 table.
  const effect = parseEffect(statement);
  const { actionElement, actions } = parseActions(statement);
  const resources = parseResources(statement);
  const conditions = Object.hasOwn(statement, 'Condition') ? parseConditions(statement['Condition']) : [];
  return { sid, effect, actionElement, actions, resources, conditions };
}

function parseEffect(statement: JsonObject): Effect {
  if (!Object.hasOwn(statement, 'Effect')) throw malformed('Missing required field Effect.');
  const effect = statement['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') throw malformed(`Invalid effect: ${show(effect)}.`);
  return effect;
}

/**
 * A pattern list (`"x"` or `["x", …]`) as an array, or undefined when it is empty (`""`, `[]`).
 * Elements are returned unchecked; `invalid` names a value that is not a list of strings.
 */
function patternList(value: unknown, invalid: (element: unknown) => ApiError): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || value === '') return undefined;
  for (const element of list) if (typeof element !== 'string') throw invalid(element);
  return list as string[];
}

function parseActions(statement: JsonObject): Pick<PolicyStatement, 'actionElement' | 'actions'> {
  const hasAction = Object.hasOwn(statement, 'Action');
  const hasNotAction = Object.hasOwn(statement, 'NotAction');
  if (hasAction && hasNotAction) throw malformed('Statement has both Action and NotAction.');
  if (!hasAction && !hasNotAction) throw malformed('Missing required field Action.');
  const actionElement = hasAction ? 'Action' : 'NotAction';
  const invalid = (element: unknown): ApiError => malformed(`Invalid action: ${show(element)}.`);
  const actions = patternList(statement[actionElement], invalid);
  if (!actions) throw malformed(`Missing required field ${actionElement}.`);
  for (const action of actions) if (action !== '*' && !action.includes(':')) throw invalid(action);
  return { actionElement, actions };
}

function parseResources(statement: JsonObject): string[] {
  const invalid = (element: unknown): ApiError => malformed(`Invalid resource: ${show(element)}.`);
  const resources = Object.hasOwn(statement, 'Resource') ? patternList(statement['Resource'], invalid) : undefined;
  if (!resources) throw malformed('Missing required field Resource.');
  for (const resource of resources) if (resource !== '*' && !resource.startsWith('acs:')) throw invalid(resource);
  return resources;
}

function parseConditions(block: unknown): PolicyCondition[] {
  if (!isObject(block)) throw malformed(`Invalid Condition type: ${show(block)}.`);
  const conditions: PolicyCondition[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    if (!Object.hasOwn(conditionOperators, operator) || !isObject(keys)) {
      throw malformed(`Invalid Condition type: ${operator}.`);
    }
    const { family } = conditionOperators[operator as ConditionOperator];
    for (const [key, given] of Object.entries(keys)) {
      const values = Array.isArray(given) ? given : [given];
      // An empty list could never match (or always would, negated): certainly a mistake.
      if (values.length === 0 || !values.every((value) => isValueOf(family, value))) {
        throw malformed(`Invalid condition value for ${key}.`);
      }
      conditions.push({ operator: operator as ConditionOperator, key, values: values as ConditionValue[] });
    }
  }
  return conditions;
}

function isValueOf(family: ConditionFamily, value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  switch (family) {
    case 'String':
      return true;
    case 'Numeric':
      return parseNumericValue(value) !== undefined;
    case 'Date':
      return parseDateValue(value) !== undefined;
    case 'Bool':
      return parseBoolValue(value) !== undefined;
    case 'IpAddress':
      return parseIpValue(value) !== undefined;
  }
}

/** The text a String operator compares: JSON numbers and booleans as JSON writes them. */
export const stringValue = (value: ConditionValue): string => String(value);

const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number, from a JSON number or a decimal string; undefined otherwise. */
export function parseNumericValue(value: ConditionValue): number | undefined {
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'string' && !decimal.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

// yyyy-MM-dd, optionally THH:mm, :ss, .fraction and a zone (Z, ±HH:mm or ±HHmm).
const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * An instant in milliseconds since the epoch, from an ISO-8601 string; a time without a zone is
 * UTC. Undefined for anything else (numbers included: the spec's dates are ISO-8601 only).
 */
export function parseDateValue(value: ConditionValue): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = isoDate.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(-2));
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  return instant.getTime() - offsetMinutes * 60_000;
}

/** `true`/`false` in any case, as a JSON boolean or a string. */
export function parseBoolValue(value: ConditionValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export interface IpRange {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  /** The CIDR prefix length; the full width for a single address. */
  readonly prefix: number;
}

/** An IPv4/IPv6 address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`); undefined otherwise. */
export function parseIpValue(value: ConditionValue): IpRange | undefined {
  if (typeof value !== 'string' || value.includes('%')) return undefined; // no zone indexes
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const width = version === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const digits = value.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return undefined;
    prefix = Number(digits);
    if (prefix > width) return undefined;
  }
  return { family: version === 4 ? 'ipv4' : 'ipv6', address, prefix };
}
