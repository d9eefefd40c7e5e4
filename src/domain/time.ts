/** Time as rdcontacts stores and shows it. */

/** Where "now" comes from; tests move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Stored form: ISO-8601 UTC with milliseconds, so text order is time order. */
export const toStored = (date: Date): string => date.toISOString();

/** API form: `yyyy-MM-dd HH:mm:ss` in UTC. */
export const toApiDate = (stored: string): string => stored.slice(0, 19).replace('T', ' ');

export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
