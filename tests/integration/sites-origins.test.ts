import request from 'supertest';
import {
  ADMIN_KEY,
  closeSockets,
  createSite,
  postComment,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const NEWS = 'https://news.example.com';
const BLOG = 'https://blog.example.org';
const EVIL = 'https://evil.example.net';

describe('browser origins in production', () => {
  let node: TestNode;
  let news: TestSite;
  let blog: TestSite;
  beforeAll(async () => {
    node = await startNode({ dev: false });
    news = await createSite(node, { origins: [NEWS], guests: true });
    blog = await createSite(node, { origins: [BLOG] });
  });
  afterAll(() => stopNode(node));

  const listUrl = (site: TestSite) => `/api/v1/sites/${site.siteId}/pages/p/comments`;

  test("when a site route is called from the site's origin, then CORS allows it, preflight included", async () => {
    const res = await request(node.url).get(listUrl(news)).set('Origin', NEWS);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(NEWS);
    const pre = await request(node.url)
      .options(listUrl(news))
      .set('Origin', NEWS)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(NEWS);
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test("when a site route is called from another site's origin or a stranger, then no CORS headers are sent and writes are 403", async () => {
    for (const origin of [BLOG, EVIL]) {
      const read = await request(node.url).get(listUrl(news)).set('Origin', origin);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await request(node.url)
        .options(listUrl(news))
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST');
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const write = await postComment(node, news, 'p', signToken(news), 'x').set('Origin', origin);
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('forbidden');
      const guest = await request(node.url)
        .post(`/api/v1/sites/${news.siteId}/guest-token`)
        .set('Origin', origin)
        .send({ name: 'G' });
      expect(guest.status).toBe(403);
    }
  });

  test('when a request has no Origin (a server, the CLI, curl), then CORS does not apply', async () => {
    const res = await postComment(node, news, 'p', signToken(news), 'from a backend');
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when a comment route is called, then the origin of any site is allowed and strangers are not', async () => {
    const posted = await postComment(node, news, 'p', signToken(news), 'react to me');
    const url = `/api/v1/comments/${posted.body.comment.id}/reactions/like`;
    const ok = await request(node.url).options(url).set('Origin', BLOG).set('Access-Control-Request-Method', 'PUT');
    expect(ok.headers['access-control-allow-origin']).toBe(BLOG);
    const stranger = await request(node.url)
      .put(url)
      .set('Origin', EVIL)
      .set('Authorization', `Bearer ${signToken(news)}`);
    expect(stranger.status).toBe(403);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when a site gains an origin, then comment routes accept it at once', async () => {
    const fresh = 'https://fresh.example.com';
    const url = `/api/v1/comments/000000000000000000000000/flags`;
    const before = await request(node.url).options(url).set('Origin', fresh).set('Access-Control-Request-Method', 'POST');
    expect(before.headers['access-control-allow-origin']).toBeUndefined();
    await request(node.url)
      .patch(`/api/v1/sites/${blog.siteId}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ origins: [BLOG, fresh] })
      .expect(200);
    const after = await request(node.url).options(url).set('Origin', fresh).set('Access-Control-Request-Method', 'POST');
    expect(after.headers['access-control-allow-origin']).toBe(fresh);
  });

  test('when the admin API is called cross-origin, then no CORS headers are sent; same-origin pages are allowed', async () => {
    const cross = await request(node.url).get('/api/v1/sites').set('Origin', NEWS).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    const same = await request(node.url).get('/api/v1/sites').set('Origin', node.url).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBe(node.url);
  });

  test("when a socket comes from the site's origin, then it connects; from elsewhere it gets connect_error forbidden", async () => {
    await expect(readerSocket(node, { siteId: news.siteId }, { extraHeaders: { origin: NEWS } })).resolves.toBeDefined();
    await expect(readerSocket(node, { siteId: news.siteId }, { extraHeaders: { origin: BLOG } })).rejects.toThrow('forbidden');
    await expect(readerSocket(node, { siteId: news.siteId }, { extraHeaders: { origin: EVIL } })).rejects.toThrow('forbidden');
  });

  test('when the site id is unknown, then REST answers 404 not_found and the socket connect_error not_found', async () => {
    const res = await request(node.url).get('/api/v1/sites/no-such-site/pages/p/comments').set('Origin', NEWS);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(
      (await request(node.url).post('/api/v1/sites/no-such-site/guest-token').set('Origin', NEWS).send({ name: 'G' })).status,
    ).toBe(404);
    await expect(readerSocket(node, { siteId: 'no-such-site' }, { extraHeaders: { origin: NEWS } })).rejects.toThrow('not_found');
  });
});

describe('browser origins in development', () => {
  test('when in development, then any origin may use REST and the socket', async () => {
    const node = await startNode({ dev: true, redis: 'none' });
    try {
      const site = await createSite(node, { origins: [NEWS] });
      const res = await postComment(node, site, 'p', signToken(site), 'dev').set('Origin', EVIL);
      expect(res.status).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBe(EVIL);
      await expect(readerSocket(node, { siteId: site.siteId }, { extraHeaders: { origin: EVIL } })).resolves.toBeDefined();
    } finally {
      closeSockets();
      await node.close();
    }
  });
});
