/**
 * How logs write an email address or a phone number: enough to tell two apart, not enough to
 * reach anyone. `alice@example.com` → `al***@example.com`; `86-13800138000` → `86-138****8000`.
 */
export function maskRecipient(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value.slice(0, Math.min(2, at))}***${value.slice(at)}`;
  const dash = value.indexOf('-');
  const prefix = dash >= 0 ? value.slice(0, dash + 1) : '';
  const digits = value.slice(prefix.length);
  if (digits.length <= 4) return `${prefix}****`;
  const shown = Math.min(3, digits.length - 4);
  return `${prefix}${digits.slice(0, shown)}****${digits.slice(-4)}`;
}
