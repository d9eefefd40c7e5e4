/**
 * What the `outbox` transport holds, as a reader may see it: its messages (stored, never sent) with
 * their text and, while its token can still be used, the verification link — so that a test or a
 * tool finishes a verification without an inbox.
 *
 * A row holds its token in clear only until the token is used, superseded, cancelled or expires
 * (the store's `retireLinks` and the worker's expiry sweep replace it by its first 6 characters and
 * `…`). Between the expiry and the sweep the row still holds it: the service's clock decides, so
 * that the answer never depends on whether the sweep ran yet.
 */
import type { OutboxRow } from '../store/repositories.js';
import type { Store } from '../store/store.js';
import { type Clock, toStored } from './time.js';
import type { Tenant } from './tenant.js';

/** A link that still ends with its whole token (43 characters, as `newVerificationToken` makes them): never taken out. */
const wholeLink = /\/verify\/([0-9A-Za-z]{43})$/;

/** The token a link still ends with, whole; undefined once the store took it out (used, superseded, cancelled, expired). */
export const wholeTokenOf = (link: string): string | undefined => wholeLink.exec(link)?.[1];

/** The row's verification link while its token is live: whole, and not expired at `now` (stored form). */
export function liveLink(row: Pick<OutboxRow, 'link' | 'link_expires_at'>, now: string): string | undefined {
  if (row.link === null || row.link_expires_at === null || wholeTokenOf(row.link) === undefined) return undefined;
  return row.link_expires_at > now ? row.link : undefined;
}

/** The token of a row's link that is no longer live but still whole (expired, not swept yet). */
function deadToken(row: Pick<OutboxRow, 'link' | 'link_expires_at'>, now: string): string | undefined {
  if (row.link === null || liveLink(row, now) !== undefined) return undefined;
  return wholeTokenOf(row.link);
}

/** As the store takes a token out of a row: its first 6 characters and `…`. */
const masked = (text: string, token: string) => text.split(token).join(`${token.slice(0, 6)}…`);

/** The message's text, with a token that is no longer live taken out (as the sweep will). */
export function messageText(row: Pick<OutboxRow, 'link' | 'link_expires_at' | 'body'>, now: string): string {
  const token = deadToken(row, now);
  return token === undefined ? row.body : masked(row.body, token);
}

/** The link as a reader may see it: whole while live, cut short otherwise; '' when the message has none. */
export function shownLink(row: Pick<OutboxRow, 'link' | 'link_expires_at'>, now: string): string {
  const token = deadToken(row, now);
  return token === undefined ? (row.link ?? '') : masked(row.link!, token);
}

export interface HeldMessage {
  row: OutboxRow;
  text: string;
  /** The verification link while its token is live. */
  link?: string;
}

export class OutboxService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** A page of the directory's messages held by the outbox transport, newest first, and how many there are. */
  async held(
    tenant: Pick<Tenant, 'directoryId'>,
    filter: { recipient?: string; contactId?: string },
    offset: number,
    limit: number,
  ): Promise<{ total: number; messages: HeldMessage[] }> {
    const scoped = { directoryId: tenant.directoryId, ...filter };
    const [total, rows] = await Promise.all([this.store.outbox.countHeldByOutbox(scoped), this.store.outbox.listHeldByOutbox(scoped, offset, limit)]);
    const now = toStored(this.clock());
    return {
      total,
      messages: rows.map((row) => {
        const link = liveLink(row, now);
        return { row, text: messageText(row, now), ...(link !== undefined ? { link } : {}) };
      }),
    };
  }
}
