import { createHmac } from 'node:crypto';

/** How long one hashing key lives before the next one takes over (one UTC day). */
export const KEY_ROTATION_MS = 24 * 3600 * 1000;

/**
 * A keyed hash that rotates: what Parley remembers about an IP address (rate
 * limits, bursts) is `HMAC(periodKey, ip)`, never the address. The period key is
 * derived from the server key and the current UTC day, so nodes agree without
 * talking, and yesterday's hashes cannot be linked to today's or reversed
 * without the server key. At the turn of a day counters start afresh.
 */
export class KeyHasher {
  private current: { period: number; key: Buffer } | null = null;
  constructor(
    private readonly secret: string,
    private readonly rotationMs = KEY_ROTATION_MS,
  ) {}

  private keyFor(now: number): Buffer {
    const period = Math.floor(now / this.rotationMs);
    if (this.current?.period !== period) {
      this.current = { period, key: createHmac('sha256', this.secret).update(`parley:key-hash:${period}`).digest() };
    }
    return this.current.key;
  }

  /** The hash of a value for the current period (22 base64url characters, 132 bits). */
  hash(value: string, now = Date.now()): string {
    return createHmac('sha256', this.keyFor(now)).update(value).digest('base64url').slice(0, 22);
  }
}
