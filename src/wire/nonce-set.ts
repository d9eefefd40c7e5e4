/**
 * A compact set of nonce fingerprints, each kept until its expiry: what one process remembers of
 * the nonces it has seen. A fingerprint is 64 bits of the nonce's SHA-256 digest, stored in typed
 * arrays (8 bytes a slot, at most half the slots full), so a remembered nonce costs 16 to 32 bytes
 * whatever its length, and nothing of it is a JavaScript object the garbage collector walks.
 *
 * Fingerprints are grouped by the minute in which they expire; a whole minute is dropped at once
 * when it has passed. A nonce is thus kept up to a minute longer than asked, never shorter.
 */

const bucketMs = 60_000;

/** Open addressing with linear probing over (high, low) pairs of 32-bit words; (0, 0) marks a free slot. */
class FingerprintTable {
  private slots = new Uint32Array(2 * 64);
  private used = 0;

  get size(): number {
    return this.used;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  has(high: number, low: number): boolean {
    const mask = this.slots.length / 2 - 1;
    for (let i = low & mask; ; i = (i + 1) & mask) {
      const h = this.slots[2 * i]!;
      const l = this.slots[2 * i + 1]!;
      if (h === high && l === low) return true;
      if (h === 0 && l === 0) return false;
    }
  }

  /** Adds the fingerprint; false when it was there already. */
  add(high: number, low: number): boolean {
    if (2 * (this.used + 1) > this.slots.length / 2) this.grow();
    return this.put(this.slots, high, low);
  }

  private put(slots: Uint32Array, high: number, low: number): boolean {
    const mask = slots.length / 2 - 1;
    for (let i = low & mask; ; i = (i + 1) & mask) {
      const h = slots[2 * i]!;
      const l = slots[2 * i + 1]!;
      if (h === high && l === low) return false;
      if (h === 0 && l === 0) {
        slots[2 * i] = high;
        slots[2 * i + 1] = low;
        if (slots === this.slots) this.used += 1;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const next = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.put(next, old[i]!, old[i + 1]!);
    }
    this.slots = next;
  }
}

export class NonceSet {
  /** End of the minute of expiry (ms) → the fingerprints expiring in it. */
  private readonly buckets = new Map<number, FingerprintTable>();

  /**
   * Remembers the nonce until `expiresAtMs`; false when it is remembered already and has not
   * expired at `nowMs`.
   */
  add(digest: Uint8Array, expiresAtMs: number, nowMs: number): boolean {
    this.sweep(nowMs);
    const [high, low] = fingerprint(digest);
    for (const [end, table] of this.buckets) if (end > nowMs && table.has(high, low)) return false;
    const end = Math.ceil(expiresAtMs / bucketMs) * bucketMs;
    let table = this.buckets.get(end);
    if (!table) this.buckets.set(end, (table = new FingerprintTable()));
    table.add(high, low);
    return true;
  }

  /** Whether the nonce is remembered and has not expired at `nowMs`. */
  has(digest: Uint8Array, nowMs: number): boolean {
    const [high, low] = fingerprint(digest);
    for (const [end, table] of this.buckets) if (end > nowMs && table.has(high, low)) return true;
    return false;
  }

  /** Nonces remembered (expired ones not swept yet included). */
  get size(): number {
    let size = 0;
    for (const table of this.buckets.values()) size += table.size;
    return size;
  }

  /** Bytes of the tables. */
  get bytes(): number {
    let bytes = 0;
    for (const table of this.buckets.values()) bytes += table.bytes;
    return bytes;
  }

  private sweep(nowMs: number): void {
    for (const end of this.buckets.keys()) if (end <= nowMs) this.buckets.delete(end);
  }
}

/** The first 8 bytes of a digest as two 32-bit words, never both 0 (the free-slot mark). */
function fingerprint(digest: Uint8Array): [number, number] {
  const high = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  const low = ((digest[4]! << 24) | (digest[5]! << 16) | (digest[6]! << 8) | digest[7]!) >>> 0;
  return high === 0 && low === 0 ? [0, 1] : [high, low];
}
