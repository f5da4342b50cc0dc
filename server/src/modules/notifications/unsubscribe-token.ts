import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../sites/secret-box';

/** What an unsubscribe link stands for: one reader (keyed address) of a site, and a scope. */
export interface UnsubscribeClaim {
  siteId: string;
  reader: string;
  /** A pageId (that thread), `*` (everything from the site) or `mod` (moderator alerts). */
  scope: string;
}

/**
 * Signs and checks unsubscribe links (HMAC-SHA256 with a key derived from SECRETS_KEY). A link never expires:
 * RFC 8058 mail clients may POST it long after the mail arrived. It carries no address, only the keyed hash.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;
  private readonly readerKey: Buffer;
  constructor(secretsKey: string) {
    this.key = deriveKey(secretsKey, 'unsubscribe-links');
    this.readerKey = deriveKey(secretsKey, 'notify-reader');
  }

  /** The keyed hash of an address on a site (what subscriptions, opt-outs and links are keyed by). */
  reader(siteId: string, email: string): string {
    return createHmac('sha256', this.readerKey).update(`${siteId}\u0000${email.toLowerCase()}`).digest('base64url').slice(0, 32);
  }

  /** A token for a link. */
  sign(claim: UnsubscribeClaim): string {
    const body = Buffer.from(JSON.stringify([claim.siteId, claim.reader, claim.scope])).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claim of a well-signed token, else null. */
  verify(token: string): UnsubscribeClaim | null {
    const [body, mac] = token.split('.');
    if (!body || !mac || token.length > 2000) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const [siteId, reader, scope] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
      if (typeof siteId !== 'string' || typeof reader !== 'string' || typeof scope !== 'string') return null;
      return { siteId, reader, scope };
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
