/**
 * The closed sets every label value of the metrics comes from. A value outside its set is
 * exported as `other`: whatever a caller sends, or a future value the metrics do not know yet,
 * never becomes a label of its own (no unbounded series, no user input in a label).
 */
import { errorCatalogue } from '../domain/errors.js';
import { products } from '../products/index.js';
import { type DeletionStatus, deliveryStatuses } from '../store/schema.js';

/** What a label value outside its set is exported as. */
export const other = 'other';

/** `unknown` is what the endpoint reports for a version or an action that is none of ours. */
const unknown = 'unknown';

export const channels = ['email', 'sms'] as const;
/** The transports of the configuration (`outbox` only stores). */
export const transports = ['outbox', 'smtp', 'webhook', 'aliyun'] as const;
export const outcomes = ['sent', 'retry', 'failed'] as const;
export const verificationEvents = ['sent', 'confirmed', 'expired'] as const;
/** The channels of a verification event; `any` for expiries, which the sweep counts without channels. */
export const verificationChannels = ['email', 'sms', 'any'] as const;
/** What a refused verification link is now. */
export const linkStates = ['used', 'expired', 'superseded', 'cancelled', 'unknown'] as const;
export const queueStatuses: readonly string[] = deliveryStatuses;
export const deletionStatuses = ['Deleting', 'Failed'] as const satisfies readonly DeletionStatus[];
// Every deletion status of the schema is listed (a new one fails to compile here until it is).
const _everyDeletionStatus: Exclude<DeletionStatus, (typeof deletionStatuses)[number]> extends never ? true : never = true;
void _everyDeletionStatus;

/** A guard: the value if it is one of `values`, else `other`. */
export function oneOf(values: readonly string[]): (value: string) => string {
  const allowed = new Set(values);
  return (value) => (allowed.has(value) ? value : other);
}

/** Error codes: the catalogue's, and `OK` for an answered call. */
export const code = oneOf(['OK', ...Object.keys(errorCatalogue)]);
/** Error codes of the catalogue (authentication failures). */
export const errorCode = oneOf(Object.keys(errorCatalogue));

const actionsByProduct = new Map<string, ReadonlySet<string>>();
for (const product of products.values()) actionsByProduct.set(product.name, new Set(product.actions.keys()));
const everyAction = new Set([...actionsByProduct.values()].flatMap((names) => [...names]));

/** A product's name, `unknown` (no such version), or `other`. */
export function product(name: string): string {
  return name === unknown || actionsByProduct.has(name) ? name : other;
}

/** An action of the (guarded) product, `unknown` (no such action), or `other`. */
export function action(productName: string, name: string): string {
  if (name === unknown) return name;
  return actionsByProduct.get(productName)?.has(name) === true ? name : other;
}

/** An action of any product (throttling reports the action only), or `other`. */
export function anyAction(name: string): string {
  return everyAction.has(name) ? name : other;
}
