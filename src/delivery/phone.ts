/** Phone numbers as rdcontacts stores them (`86-13800138000`), in the forms providers expect. */
import { DeliveryError } from './transport.js';

/** Country code and national number; a value in any other form is a permanent failure of its delivery. */
export function splitPhoneNumber(phoneNumber: string): { countryCode: string; number: string } {
  const match = /^(\d{1,4})-(\d{4,17})$/.exec(phoneNumber);
  if (!match) throw new DeliveryError(`not a phone number rdcontacts stores: ${phoneNumber}`, false);
  return { countryCode: match[1]!, number: match[2]! };
}

/** `86-13800138000` → `+8613800138000`. */
export function e164(phoneNumber: string): string {
  const { countryCode, number } = splitPhoneNumber(phoneNumber);
  return `+${countryCode}${number}`;
}
