/** Hand-made JWTs for token tests (pure: no I/O). */
import { createHmac } from 'node:crypto';

/** Seconds since the epoch, as JWT times count. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** A JWT segment: JSON, base64url-encoded. */
export const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** HS256 by hand, so keys jsonwebtoken refuses to sign with (a PEM public key) can be used. */
export function hmacToken(payload: Record<string, unknown>, key: string | Buffer, header: Record<string, unknown> = {}): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

/** A token with its payload swapped and its signature kept (which no longer matches). */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64(payload)}.${s}`;
}
