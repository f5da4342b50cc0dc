import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Derives a purpose-bound 32-byte key from the server's SECRETS_KEY. */
export function deriveKey(secretsKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretsKey, 'parley', purpose, 32));
}

/**
 * Encrypts site secrets at rest (AES-256-GCM). HS256 verification needs the
 * secret itself, so it cannot be hashed; a database dump alone does not reveal it.
 */
export class SecretBox {
  private readonly key: Buffer;
  constructor(secretsKey: string) {
    this.key = deriveKey(secretsKey, 'site-secrets');
  }

  /** Returns `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Reverses {@link seal}; throws if the value was tampered with or sealed with another key. */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('malformed sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A new random site secret (256 bits, base64url). */
export function newSiteSecret(): string {
  return randomBytes(32).toString('base64url');
}
