import { generateKeyPairSync, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { b64, hmacToken, now, withPayload } from '../helpers/jwt';
import { AppError } from '../../server/src/errors';
import { GUEST_KID, signGuestToken, verifyReaderToken, type TokenSite } from '../../server/src/modules/auth/tokens';

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const secret = randomBytes(32).toString('base64url');
const guestKey = randomBytes(32);

const hsSite: TokenSite = { siteId: 'news', publicKey: null, secret };
const rsSite: TokenSite = { siteId: 'news', publicKey: rsa.publicKey, secret: null };
const esSite: TokenSite = { siteId: 'news', publicKey: ec.publicKey, secret: null };

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'u1', name: 'Ana', site: 'news', iat: now(), exp: now() + 3600, ...extra };
}
const hs = (c: Record<string, unknown>, key = secret) => jwt.sign(c, key, { algorithm: 'HS256' });
const guest = (c: Record<string, unknown>) => jwt.sign(c, guestKey, { algorithm: 'HS256', keyid: GUEST_KID });

const refused: [string, TokenSite, () => string][] = [
  ['alg none', hsSite, () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  [
    'alg none claiming the guest kid',
    hsSite,
    () => `${b64({ alg: 'none', kid: GUEST_KID })}.${b64(claims({ sub: 'guest:x' }))}.`,
  ],
  ['HS256 signed with the RS256 public key text (algorithm confusion)', rsSite, () => hmacToken(claims(), rsa.publicKey)],
  ['HS256 signed with the ES256 public key text', esSite, () => hmacToken(claims(), ec.publicKey)],
  ['HS256 on a site configured for RS256, even with a valid secret', rsSite, () => hs(claims())],
  ['RS256 on an HS256 site', hsSite, () => jwt.sign(claims(), rsa.privateKey, { algorithm: 'RS256' })],
  ['ES256 on an RS256 site', rsSite, () => jwt.sign(claims(), ec.privateKey, { algorithm: 'ES256' })],
  ['wrong secret', hsSite, () => hs(claims(), 'another-secret-of-enough-length-000')],
  ['expired', hsSite, () => hs(claims({ iat: now() - 7200, exp: now() - 60 }))],
  ['no exp', hsSite, () => hs({ sub: 'u1', name: 'Ana', site: 'news', iat: now() })],
  ['exp 31 days ahead', hsSite, () => hs(claims({ exp: now() + 31 * 86400 }))],
  ['exp 31 days after a backdated iat', hsSite, () => hs(claims({ iat: now() - 86400, exp: now() + 30 * 86400 }))],
  ['site of another site', hsSite, () => hs(claims({ site: 'other' }))],
  ['no site claim', hsSite, () => hs(claims({ site: undefined }))],
  ['no sub', hsSite, () => hs(claims({ sub: undefined }))],
  ['sub longer than 128', hsSite, () => hs(claims({ sub: 'u'.repeat(129) }))],
  ['numeric sub', hsSite, () => hs(claims({ sub: 42 }))],
  ['site token claiming a guest id', hsSite, () => hs(claims({ sub: 'guest:abc' }))],
  ['no name', hsSite, () => hs(claims({ name: undefined }))],
  ['blank name', hsSite, () => hs(claims({ name: '   ' }))],
  ['name longer than 64', hsSite, () => hs(claims({ name: 'n'.repeat(65) }))],
  ['roles not an array', hsSite, () => hs(claims({ roles: 'moderator' }))],
  ['not yet valid (nbf)', hsSite, () => hs(claims({ nbf: now() + 600 }))],
  ['guest token carrying roles, validly signed', hsSite, () => guest(claims({ sub: 'guest:abc', roles: ['moderator'] }))],
  ['guest token with a non-guest sub', hsSite, () => guest(claims({ sub: 'admin' }))],
  [
    'guest kid signed with the site secret',
    hsSite,
    () => jwt.sign(claims({ sub: 'guest:abc' }), secret, { algorithm: 'HS256', keyid: GUEST_KID }),
  ],
  ['payload tampered after signing', hsSite, () => withPayload(hs(claims()), claims({ roles: ['admin'] }))],
  [
    'guest payload tampered to add roles',
    hsSite,
    () => withPayload(guest(claims({ sub: 'guest:abc' })), claims({ sub: 'guest:abc', roles: ['admin'] })),
  ],
  ['garbage', hsSite, () => 'not a token'],
  ['three garbage parts', hsSite, () => 'a.b.c'],
  ['empty parts', hsSite, () => '..'],
  ['a 20 KB token', hsSite, () => hs(claims({ pad: 'x'.repeat(20 * 1024) }))],
];

describe('verifyReaderToken', () => {
  test.each(refused)('when the token is %s, then it is refused with a plain invalid_token', (_what, site, make) => {
    let thrown: unknown;
    try {
      verifyReaderToken(site, make(), guestKey);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    // One code, one message, whichever check failed.
    expect((thrown as AppError).toBody()).toEqual({ code: 'invalid_token', message: 'invalid or expired token' });
    expect((thrown as AppError).status).toBe(401);
  });

  test('when a valid HS256 token carries roles and an avatar, then the principal has them (unknown roles dropped)', () => {
    const p = verifyReaderToken(
      hsSite,
      hs(claims({ roles: ['moderator', 'superuser'], avatar: 'https://cdn.example.com/a.png' })),
      guestKey,
    );
    expect(p).toEqual({ userId: 'u1', name: 'Ana', avatar: 'https://cdn.example.com/a.png', guest: false, roles: ['moderator'] });
  });

  test('when a valid RS256 token is checked against the RSA key, then it is accepted', () => {
    const p = verifyReaderToken(rsSite, jwt.sign(claims({ roles: ['admin'] }), rsa.privateKey, { algorithm: 'RS256' }), guestKey);
    expect(p).toMatchObject({ userId: 'u1', roles: ['admin'], guest: false });
  });

  test('when a valid ES256 token is checked against the P-256 key, then it is accepted', () => {
    const p = verifyReaderToken(esSite, jwt.sign(claims(), ec.privateKey, { algorithm: 'ES256' }), guestKey);
    expect(p).toMatchObject({ userId: 'u1', name: 'Ana', roles: [] });
  });

  test('when an avatar is not an https URL, then it is dropped rather than trusted', () => {
    expect(verifyReaderToken(hsSite, hs(claims({ avatar: 'javascript:alert(1)' })), guestKey).avatar).toBeNull();
  });

  test('when a token lives exactly 30 days, then it is accepted', () => {
    expect(verifyReaderToken(hsSite, hs(claims({ exp: now() + 30 * 86400 })), guestKey).userId).toBe('u1');
  });

  test('when the server signs a guest token, then it verifies as a guest without roles for that site only', () => {
    const { token, expiresAt } = signGuestToken('news', 'Visitor', guestKey);
    const p = verifyReaderToken(hsSite, token, guestKey);
    expect(p).toMatchObject({ name: 'Visitor', guest: true, roles: [] });
    expect(p.userId).toMatch(/^guest:[A-Za-z0-9_-]{16}$/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(() => verifyReaderToken({ ...hsSite, siteId: 'other' }, token, guestKey)).toThrow(AppError);
    expect(() => verifyReaderToken(hsSite, token, randomBytes(32))).toThrow(AppError);
  });
});
