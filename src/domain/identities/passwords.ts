/**
 * Password hashing for login profiles: scrypt (Node's built-in, memory-hard) with a random 16-byte
 * salt per password, encoded PHC-like as `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (base64
 * without padding), so a stored hash carries the parameters it was made with and the cost can be
 * raised later without invalidating anything. Compared in constant time. The password itself is
 * never stored, logged or returned.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface PasswordHashing {
  /** log2 of scrypt's N (CPU/memory cost). */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and some tens of milliseconds per hash. */
export const defaultPasswordHashing: Readonly<PasswordHashing> = Object.freeze({ logN: 15, r: 8, p: 1 });

const saltBytes = 16;
const keyBytes = 32;

function derive(password: string, salt: Buffer, cost: PasswordHashing): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // scrypt needs 128·N·r bytes; allow that with room to spare (Node's default cap is 32 MiB).
  const maxmem = 256 * N * cost.r;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { N, r: cost.r, p: cost.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, cost: PasswordHashing = defaultPasswordHashing): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

const encoded = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` is the one `stored` was made from; false for anything that is not such a hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = encoded.exec(stored);
  if (!match) return false;
  const [, logN, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { logN: Number(logN), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
