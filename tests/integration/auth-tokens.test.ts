import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { b64, hmacToken, now, withPayload } from '../helpers/jwt';
import request from 'supertest';
import { deriveKey } from '../../server/src/modules/sites/secret-box';
import { GUEST_KID } from '../../server/src/modules/auth/tokens';
import {
  SECRETS_KEY,
  adminSocket,
  createSite,
  emitAck,
  postComment,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const keyPair = (type: 'rsa' | 'ec') =>
  type === 'rsa'
    ? generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      })
    : generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
const rsa = keyPair('rsa');
const ec = keyPair('ec');
const INVALID = { code: 'invalid_token', message: 'invalid or expired token' };
const roomy = { limits: { connectionsPerMinutePerIp: 100_000, postsPerMinutePerIp: 100_000, postsPerMinutePerUser: 100_000 } };

function claims(site: TestSite, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: uniqueId('u'), name: 'Reader', site: site.siteId, iat: now(), exp: now() + 3600, ...extra };
}

describe('reader tokens on REST and on the socket handshake', () => {
  let node: TestNode;
  let hs: TestSite;
  let rs: TestSite;
  let es: TestSite;
  let other: TestSite;
  let guestToken: string;
  beforeAll(async () => {
    node = await startNode();
    [hs, rs, es, other] = await Promise.all([
      createSite(node, { ...roomy, guests: true }),
      createSite(node, { ...roomy, publicKey: rsa.publicKey }),
      createSite(node, { ...roomy, publicKey: ec.publicKey }),
      createSite(node, roomy),
    ]);
    const res = await request(node.url).post(`/api/v1/sites/${hs.siteId}/guest-token`).send({ name: 'Guest' });
    guestToken = res.body.token as string;
  });
  afterAll(() => stopNode(node));

  const bad: [string, () => { site: TestSite; token: string }][] = [
    ['alg none', () => ({ site: hs, token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(hs))}.` })],
    [
      'HS256 signed with the public key text of an RS256 site (algorithm confusion)',
      () => ({ site: rs, token: hmacToken(claims(rs), rsa.publicKey) }),
    ],
    ['HS256 signed with the public key text of an ES256 site', () => ({ site: es, token: hmacToken(claims(es), ec.publicKey) })],
    ['signed with a wrong secret', () => ({ site: hs, token: signToken({ ...hs, secret: `${hs.secret}x` }) })],
    ['expired', () => ({ site: hs, token: signToken(hs, { iat: now() - 7200, exp: now() - 60 }) })],
    [
      'without exp',
      () => ({ site: hs, token: jwt.sign({ sub: 'u1', name: 'R', site: hs.siteId }, hs.secret, { algorithm: 'HS256' }) }),
    ],
    ['expiring 31 days ahead', () => ({ site: hs, token: signToken(hs, { exp: now() + 31 * 86400 }) })],
    ['for another site, signed by that site', () => ({ site: hs, token: signToken(other) })],
    ['claiming another site, signed with this secret', () => ({ site: hs, token: signToken(hs, { site: other.siteId }) })],
    [
      'a guest token with a forged roles claim',
      () => ({ site: hs, token: withPayload(guestToken, { ...(jwt.decode(guestToken) as object), roles: ['moderator'] }) }),
    ],
    [
      'a guest token with roles, signed with the real guest key',
      () => ({
        site: hs,
        token: jwt.sign(claims(hs, { sub: 'guest:x', roles: ['admin'] }), deriveKey(SECRETS_KEY, `guest-tokens:${hs.siteId}`), {
          algorithm: 'HS256',
          keyid: GUEST_KID,
        }),
      }),
    ],
    [
      'a payload tampered after signing',
      () => ({ site: hs, token: withPayload(signToken(hs, { sub: 'u1' }), claims(hs, { sub: 'u1', roles: ['admin'] })) }),
    ],
    ['a garbage string', () => ({ site: hs, token: 'garbage' })],
    ['garbage with dots', () => ({ site: hs, token: 'x.y.z' })],
    ['garbage with spaces', () => ({ site: hs, token: 'eyJ hello world' })],
    ['20 KB long', () => ({ site: hs, token: signToken(hs, { pad: 'x'.repeat(20 * 1024) }) })],
  ];

  test.each(bad)('when a token is %s, then REST answers 401 invalid_token with no hint', async (_what, make) => {
    const { site, token } = make();
    const res = await postComment(node, site, 'tokens', token, 'hello');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: INVALID });
  });

  test.each(bad)('when a token is %s, then both socket handshakes fail with connect_error invalid_token', async (_what, make) => {
    const { site, token } = make();
    for (const connect of [readerSocket, adminSocket]) {
      const err = (await connect(node, { siteId: site.siteId, token }).then(
        () => null,
        (e: unknown) => e,
      )) as (Error & { data?: unknown }) | null;
      expect(err?.message).toBe('invalid_token');
      expect(err?.data).toEqual(INVALID);
    }
  });

  test('when the handshake token is not a string, then it is invalid_token too', async () => {
    await expect(readerSocket(node, { siteId: hs.siteId, token: { alg: 'none' } as unknown as string })).rejects.toThrow(
      'invalid_token',
    );
  });

  test('when a valid HS256 token is used, then REST and the socket act as its user', async () => {
    const token = signToken(hs, { sub: 'hs-user', name: 'Hana', avatar: 'https://cdn.example.com/h.png' });
    const res = await postComment(node, hs, 'tokens-ok', token, 'over REST');
    expect(res.status).toBe(201);
    expect(res.body.comment.author).toEqual({
      id: 'hs-user',
      name: 'Hana',
      avatar: 'https://cdn.example.com/h.png',
      guest: false,
    });
    const socket = await readerSocket(node, { siteId: hs.siteId, token });
    const ack = await emitAck(socket, 'comment:post', {
      pageId: 'tokens-ok',
      body: 'over the socket',
    });
    expect(ack.ok).toBe(true);
    expect(ack.comment.author).toEqual({ id: 'hs-user', name: 'Hana', avatar: 'https://cdn.example.com/h.png', guest: false });
  });

  test('when a valid RS256 moderator token is used, then REST accepts it and /admin admits it', async () => {
    const token = jwt.sign(claims(rs, { sub: 'rs-mod', name: 'Rosa', roles: ['moderator'] }), rsa.privateKey, {
      algorithm: 'RS256',
    });
    const res = await postComment(node, rs, 'tokens-ok', token, 'signed with RSA');
    expect(res.status).toBe(201);
    expect(res.body.comment.author).toMatchObject({ id: 'rs-mod', name: 'Rosa', guest: false });
    await expect(adminSocket(node, { siteId: rs.siteId, token })).resolves.toBeDefined();
  });

  test('when a valid ES256 reader token is used, then REST accepts it and /admin refuses it as forbidden', async () => {
    const token = jwt.sign(claims(es, { sub: 'es-user', name: 'Elena' }), ec.privateKey, { algorithm: 'ES256' });
    const res = await postComment(node, es, 'tokens-ok', token, 'signed with P-256');
    expect(res.status).toBe(201);
    expect(res.body.comment.author).toMatchObject({ id: 'es-user', name: 'Elena', guest: false });
    const socket = await readerSocket(node, { siteId: es.siteId, token });
    const ack = await emitAck(socket, 'comment:post', {
      pageId: 'tokens-ok',
      body: 'ES over socket',
    });
    expect(ack.comment.author.id).toBe('es-user');
    await expect(adminSocket(node, { siteId: es.siteId, token })).rejects.toThrow('forbidden');
  });

  test('when an RS256 site is sent an HS256 token signed with its (unused) secret, then it is refused', async () => {
    const res = await postComment(node, rs, 'tokens', signToken(rs), 'hello');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: INVALID });
  });
});
