import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import request from 'supertest';
import { createSite, postComment, signToken, startNode, stopNode, uniqueId, until, type TestNode } from '../helpers/harness';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

/** Parses XML strictly: any well-formedness error or warning fails the test. */
function parseXml(text: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void problems.push(`${level}: ${msg}`) }).parseFromString(
    text,
    'application/xml',
  );
  expect(problems).toEqual([]);
  return doc;
}

const children = (el: Element | Document, name: string): Element[] => Array.from(el.getElementsByTagNameNS(ATOM_NS, name));
const text = (el: Element, name: string): string => children(el, name)[0]?.textContent ?? '';

/** Checks the elements Atom 1.0 (RFC 4287) requires of a feed and of each entry. */
function expectValidAtom(doc: Document): Element[] {
  const feed = doc.documentElement!;
  expect({ ns: feed.namespaceURI, name: feed.localName }).toEqual({ ns: ATOM_NS, name: 'feed' });
  for (const name of ['id', 'title', 'updated']) expect(text(feed, name)).not.toBe('');
  expect(Number.isNaN(Date.parse(text(feed, 'updated')))).toBe(false);
  const entries = children(feed, 'entry');
  for (const entry of entries) {
    for (const name of ['id', 'title', 'updated']) expect(text(entry, name)).not.toBe('');
    expect(children(entry, 'author').length).toBeGreaterThan(0);
    expect(children(entry, 'content')[0]?.getAttribute('type')).toBe('html');
  }
  return entries;
}

describe('Atom feeds', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when a page has comments, then its feed is Atom 1.0 with one entry per visible comment, newest first, with links', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const pageId = `/2024/${uniqueId('story')}`;
    const token = signToken(site, { name: 'Ana' });
    const first = (await postComment(node, site, pageId, token, 'first *comment*')).body.comment;
    const second = (await postComment(node, site, pageId, token, { body: 'a reply', parentId: first.id })).body.comment;
    await postComment(node, site, 'other-page', token, 'elsewhere');

    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/feed.atom`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const doc = parseXml(res.text);
    const entries = expectValidAtom(doc);
    expect(entries.map((e) => text(e, 'id'))).toEqual([
      `urn:parley:${site.siteId}:comment:${second.id}`,
      `urn:parley:${site.siteId}:comment:${first.id}`,
    ]);
    expect(text(entries[1]!, 'content').trim()).toBe('<p>first <em>comment</em></p>');
    expect(children(entries[1]!, 'author')[0]!.textContent).toContain('Ana');
    const self = children(doc.documentElement!, 'link').find((l) => l.getAttribute('rel') === 'self');
    expect(self?.getAttribute('href')).toBe(
      `${node.url}/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/feed.atom`,
    );
    expect(children(entries[0]!, 'link')[0]?.getAttribute('href')).toMatch(/^http/);
  });

  test('when the site has comments on several pages, then the site feed has them all, newest first', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const token = signToken(site);
    const ids: string[] = [];
    for (const page of ['a', 'b', 'c']) ids.push((await postComment(node, site, page, token, `on ${page}`)).body.comment.id);
    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/feed.atom`);
    expect(res.status).toBe(200);
    const entries = expectValidAtom(parseXml(res.text));
    expect(entries.map((e) => text(e, 'id'))).toEqual(ids.reverse().map((id) => `urn:parley:${site.siteId}:comment:${id}`));
  });

  test('when a comment is held for moderation, then it never appears in the page or the site feed', async () => {
    const site = await createSite(node, { limits: LIMITS, moderation: 'pre' });
    const res1 = await postComment(node, site, 'held', signToken(site), 'waiting for a moderator');
    expect(res1.status).toBe(202);
    for (const path of [`pages/held/feed.atom`, `feed.atom`]) {
      const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/${path}`);
      expect(res.status).toBe(200);
      const entries = expectValidAtom(parseXml(res.text));
      expect(entries).toHaveLength(0);
      expect(res.text).not.toContain('waiting for a moderator');
    }
  });

  test('when names and bodies hold markup, then the feed escapes them and carries only sanitized HTML', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const name = 'Eve <b>&amp;</b> & ]]> "q"';
    const body = '<script>alert(1)</script> [x](javascript:alert(2)) ]]> & <img src=x onerror=alert(3)>';
    await postComment(node, site, 'xss', signToken(site, { name }), body);
    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/pages/xss/feed.atom`);
    const [entry] = expectValidAtom(parseXml(res.text));
    expect(text(children(entry!, 'author')[0]!, 'name').trim()).toBe(name);
    // Titles are type="html": the reader's name must arrive as text, not as markup.
    expect(text(entry!, 'title')).toBe(`Eve &lt;b&gt;&amp;amp;&lt;/b&gt; &amp; ]]&gt; &quot;q&quot; on xss`);
    const html = text(entry!, 'content');
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain(']]&gt;');
  });

  test('when a post told the page URL, then entries link to the article, and never to a non-web URL', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const token = signToken(site);
    const pageUrl = 'https://news.example.com/2024/story';
    const c = (await postComment(node, site, 'linked', token, { body: 'linked', pageUrl, pageTitle: 'The <story>' })).body
      .comment;
    const sneaky = await postComment(node, site, 'sneaky', token, { body: 'sneaky', pageUrl: 'javascript:alert(1)' });
    // The page document (with its URL) is written just after the post's acknowledgement.
    const feedOf = async () => (await request(node.url).get(`/api/v1/sites/${site.siteId}/pages/linked/feed.atom`)).text;
    await until(async () => (await feedOf()).includes(pageUrl), 5000, 'the page URL to reach the feed');
    const linked = expectValidAtom(parseXml(await feedOf()));
    expect(children(linked[0]!, 'link')[0]?.getAttribute('href')).toBe(`${pageUrl}#parley-comment-${c.id}`);
    expect(text(linked[0]!, 'title')).toBe('Test Reader on The &lt;story&gt;');
    const sneakyFeed = (await request(node.url).get(`/api/v1/sites/${site.siteId}/pages/sneaky/feed.atom`)).text;
    expect(sneakyFeed).not.toContain('javascript:');
    const site2 = (await request(node.url).get(`/api/v1/sites/${site.siteId}/feed.atom`)).text;
    // Whether or not the post accepted that URL, the feed never links it.
    if (sneaky.status === 201) expect(site2).toContain('sneaky');
    expect(site2).not.toContain('javascript:');
  });

  test('when the OpenAPI document is read, then both feed routes are documented as Atom', async () => {
    const doc = (await request(node.url).get('/api/v1/openapi.json')).body as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    for (const path of ['/sites/{siteId}/pages/{pageId}/feed.atom', '/sites/{siteId}/feed.atom'])
      expect(Object.keys(doc.paths[path]?.get?.responses['200']?.content ?? {})).toEqual(['application/atom+xml']);
  });

  test('when the site is unknown or the page id is invalid, then the answer is a 4xx in the SPEC error shape', async () => {
    const unknown = await request(node.url).get('/api/v1/sites/no-such-site/feed.atom');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const site = await createSite(node);
    const bad = await request(node.url).get(`/api/v1/sites/${site.siteId}/pages/${'x'.repeat(300)}/feed.atom`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
  });
});
