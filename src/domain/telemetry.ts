/**
 * What the service reports about its own work as it happens, for the logs and the metrics: calls
 * answered, deliveries attempted, verification links refused or expired. Reporting never fails the
 * work it reports on, and its label values come from closed sets (action names, error codes,
 * channels, transports), never from what a caller sent.
 *
 * Changes themselves are reported from the audit trail once they are committed (see
 * `Store.observeAudit`); this interface carries what is not a change of the database or happens
 * outside a transaction.
 */

/** One answered call on the RPC endpoint. */
export interface CallReport {
  /** The product's name (`ResourceDirectoryMaster`, `Ram`, …), or `unknown` when the version is none of ours. */
  product: string;
  /** The declared action's name, or `unknown` when the product has no such action. */
  action: string;
  /** `OK`, or the error code of the catalogue that was answered. */
  code: string;
  status: number;
  seconds: number;
}

/** What became of one attempt to send one message. */
export interface DeliveryAttemptReport {
  deliveryId: string;
  messageId: string;
  directoryId: string;
  contactId: string | null;
  channel: 'email' | 'sms';
  transport: string;
  purpose: string;
  /** The address or number, as the delivery holds it: loggers mask it. */
  recipient: string;
  /** This attempt's number, from 1. */
  attempt: number;
  /** `sent` (the transport accepted it), `retry` (a temporary failure, tried again later), `failed` (for good). */
  outcome: 'sent' | 'retry' | 'failed';
  providerId?: string | null;
  error?: string;
  /** When the next attempt is due (`retry`), as stored. */
  nextAttemptAt?: string;
  /** How long the transport took; absent when it was not called. */
  seconds?: number;
}

/** A verification link opened when it can no longer confirm anything. */
export interface VerificationRefusal {
  /** What the link is now: `used`, `expired`, `superseded`, `cancelled` or `unknown`. */
  state: string;
  contactId?: string;
}

export interface Telemetry {
  call(report: CallReport): void;
  /** A call refused before it ran: a signature, timestamp, nonce or AccessKey failure. */
  authFailure(code: string): void;
  throttled(action: string): void;
  deliveryAttempt(report: DeliveryAttemptReport): void;
  verificationRefused(refusal: VerificationRefusal): void;
  /** Verification links that expired unused, taken out of the outbox by the sweep. */
  verificationsExpired(count: number): void;
}

/** Reports to nobody. */
export const silentTelemetry: Telemetry = {
  call() {},
  authFailure() {},
  throttled() {},
  deliveryAttempt() {},
  verificationRefused() {},
  verificationsExpired() {},
};

/** Reports to every one of `sinks`; one that throws does not keep the others from hearing. */
export function fanOut(...sinks: Telemetry[]): Telemetry {
  const each =
    <K extends keyof Telemetry>(name: K) =>
    (...args: Parameters<Telemetry[K]>) => {
      for (const sink of sinks) {
        try {
          (sink[name] as (...a: Parameters<Telemetry[K]>) => void)(...args);
        } catch {
          // Reporting never fails the work reported on.
        }
      }
    };
  return {
    call: each('call'),
    authFailure: each('authFailure'),
    throttled: each('throttled'),
    deliveryAttempt: each('deliveryAttempt'),
    verificationRefused: each('verificationRefused'),
    verificationsExpired: each('verificationsExpired'),
  };
}
