import { createPublicKey, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { errors } from '../../errors';
import type { Principal, Role } from './principal';

/** Key id that marks tokens Parley signed itself for guests. */
export const GUEST_KID = 'parley-guest';
/** Longest accepted token; anything larger is refused before parsing. */
export const MAX_TOKEN_LENGTH = 8192;
/** Longest accepted token lifetime (SPEC: over 30 days is refused). */
export const MAX_LIFETIME_SEC = 30 * 24 * 3600;
/** Lifetime of guest tokens. */
export const GUEST_TOKEN_TTL_SEC = 7 * 24 * 3600;

/** What verification needs to know about a site. */
export interface TokenSite {
  siteId: string;
  /** PEM, or the key already parsed (callers cache it). */
  publicKey: string | KeyObject | null;
  /** The HS256 secret in clear or as a key object (null when the site uses a public key). */
  secret: string | KeyObject | null;
}

/** Which asymmetric algorithm a PEM key implies: RS256 for RSA, ES256 for P-256. */
export function algorithmForKey(pem: string | KeyObject): Algorithm {
  const key = typeof pem === 'string' ? createPublicKey(pem) : pem;
  return key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
}

/**
 * An HS256 key as a KeyObject. Why: given a string or Buffer, jsonwebtoken
 * first tries to parse it as a public key, which throws for every secret;
 * building that exception (with a source-mapped stack) was the largest single
 * cost of a REST post in profiles.
 */
export function secretKeyOf(key: string | Buffer | KeyObject): KeyObject {
  return key instanceof KeyObject ? key : createSecretKey(typeof key === 'string' ? Buffer.from(key) : key);
}

const ROLES: readonly Role[] = ['moderator', 'admin'];
/** What an `email` claim must look like to be used for notifications. */
const EMAIL_SHAPE = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

function claimsToPrincipal(claims: JwtPayload, siteId: string, guest: boolean): Principal {
  const { sub, name, site, roles, avatar, exp, iat, email } = claims as JwtPayload & Record<string, unknown>;
  if (site !== siteId) throw new Error('site mismatch');
  if (typeof exp !== 'number') throw new Error('exp required');
  const issued = typeof iat === 'number' ? iat : Math.floor(Date.now() / 1000);
  if (exp - issued > MAX_LIFETIME_SEC || exp - Date.now() / 1000 > MAX_LIFETIME_SEC) throw new Error('lifetime too long');
  if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128) throw new Error('bad sub');
  // Guest ids and site user ids live in disjoint spaces so one can never act as the other.
  if (guest !== sub.startsWith('guest:')) throw new Error('guest id space mismatch');
  if (typeof name !== 'string' || name.trim().length < 1 || name.length > 64) throw new Error('bad name');
  if (roles !== undefined && !Array.isArray(roles)) throw new Error('bad roles');
  if (guest && roles !== undefined) throw new Error('guests never hold roles');
  const granted = ((roles as unknown[] | undefined) ?? []).filter((r): r is Role => ROLES.includes(r as Role));
  const avatarUrl = typeof avatar === 'string' && /^https:\/\/\S{1,500}$/.test(avatar) ? avatar : null;
  // A malformed address is ignored rather than refusing the token: it only costs the reader reply emails.
  const address = typeof email === 'string' && email.length <= 254 && EMAIL_SHAPE.test(email) ? email.toLowerCase() : null;
  return { userId: sub, name: name.trim(), avatar: avatarUrl, guest, roles: granted, email: address };
}

/**
 * The one token check used by REST and both socket namespaces. The algorithm
 * is pinned to the site's configuration (HS256 with its secret, or RS256/ES256
 * with its public key, never both) so `alg: none` and HS/RS confusion fail.
 * Every failure is the same `invalid_token`, with no hint of which check failed.
 */
export function verifyReaderToken(site: TokenSite, token: string, guestKey: Buffer | KeyObject): Principal {
  try {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new Error('bad token');
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new Error('not a jwt');
    const guest = decoded.header.kid === GUEST_KID;
    let claims: JwtPayload;
    if (guest) {
      claims = jwt.verify(token, secretKeyOf(guestKey), { algorithms: ['HS256'], clockTolerance: 5 }) as JwtPayload;
    } else if (site.publicKey) {
      const key = typeof site.publicKey === 'string' ? createPublicKey(site.publicKey) : site.publicKey;
      claims = jwt.verify(token, key, { algorithms: [algorithmForKey(key)], clockTolerance: 5 }) as JwtPayload;
    } else {
      if (!site.secret) throw new Error('no key');
      claims = jwt.verify(token, secretKeyOf(site.secret), { algorithms: ['HS256'], clockTolerance: 5 }) as JwtPayload;
    }
    return claimsToPrincipal(claims, site.siteId, guest);
  } catch {
    throw errors.invalidToken();
  }
}

/** Signs a guest token for a site with the server's own per-site guest key. */
export function signGuestToken(
  siteId: string,
  name: string,
  guestKey: Buffer,
  email?: string,
): { token: string; expiresAt: string } {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + GUEST_TOKEN_TTL_SEC;
  const sub = `guest:${randomBytes(12).toString('base64url')}`;
  const token = jwt.sign({ sub, name, site: siteId, iat: now, exp, ...(email ? { email } : {}) }, guestKey, {
    algorithm: 'HS256',
    keyid: GUEST_KID,
  });
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}
