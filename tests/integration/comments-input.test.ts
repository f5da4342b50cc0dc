import { parseDocument } from 'htmlparser2';
import type { ChildNode } from 'domhandler';
import { Types } from 'mongoose';
import request from 'supertest';
import { CommentsRepository } from '../../server/src/modules/comments/comments.repository';
import { encodeCursor } from '../../server/src/modules/comments/cursor';
import { createSite, postComment, signToken, startNode, stopNode, type TestNode, type TestSite } from '../helpers/harness';

const MANY = { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } };

/** Every element name and attribute of an HTML fragment, as a browser-like parser sees them. */
function elements(html: string): { name: string; attribs: Record<string, string> }[] {
  const out: { name: string; attribs: Record<string, string> }[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (n.type === 'tag' || n.type === 'script' || n.type === 'style') {
        out.push({ name: n.name, attribs: n.attribs });
        walk(n.children);
      }
    }
  };
  walk(parseDocument(html).children);
  return out;
}

describe('comments: injection and bad input', () => {
  let node: TestNode;
  let site: TestSite;
  let token: string;
  let existing: string;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, MANY);
    token = signToken(site);
    existing = (await postComment(node, site, 'p', token, 'an existing comment')).body.comment.id;
  });
  afterAll(() => stopNode(node));

  const list = (qs: string, pageId = 'p') =>
    request(node.url).get(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments${qs}`);
  const post = (raw: string, pageId = 'p') =>
    request(node.url)
      .post(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(raw);
  const long = 'x'.repeat(300);

  const rows: [string, () => request.Test, number][] = [
    ['an operator object as body', () => post('{"body":{"$gt":""}}'), 400],
    ['an operator object as parentId', () => post('{"body":"reply","parentId":{"$ne":null}}'), 400],
    ['an operator object as clientNonce', () => post('{"body":"nonce","clientNonce":{"$gt":""}}'), 400],
    ['a body given only through __proto__', () => post('{"__proto__":{"body":"sneaky"}}'), 400],
    ['a 5001-character body', () => post(JSON.stringify({ body: 'a'.repeat(5001) })), 400],
    ['a whitespace-only body', () => post(JSON.stringify({ body: ' \n\t  ' })), 400],
    ['an empty body', () => post('{"body":""}'), 400],
    ['a missing body', () => post('{}'), 400],
    ['a numeric body', () => post('{"body":42}'), 400],
    ['an array as the JSON document', () => post('[{"body":"x"}]'), 400],
    ['a NUL character in the body', () => post(JSON.stringify({ body: 'a\u0000b' })), 400],
    ['a parentId that is not an id', () => post('{"body":"r","parentId":"zzz"}'), 400],
    ['a 300-character pageId on post', () => post('{"body":"long page"}', long), 400],
    ['a pageId with a space on post', () => post('{"body":"space page"}', 'a b'), 400],
    ['parentId[$ne]=x in the query', () => list('?parentId[$ne]=x'), 400],
    ['sort[$ne]=top in the query', () => list('?sort[$ne]=top'), 400],
    ['$where in the query', () => list('?$where=1'), 400],
    ['a repeated parentId', () => list(`?parentId=${existing}&parentId=${existing}`), 400],
    ['a parentId that is not an id', () => list('?parentId=abc'), 400],
    ['limit=0', () => list('?limit=0'), 400],
    ['limit=101', () => list('?limit=101'), 400],
    ['limit=-1', () => list('?limit=-1'), 400],
    ['limit=abc', () => list('?limit=abc'), 400],
    ['limit=1.5', () => list('?limit=1.5'), 400],
    ['an unknown sort', () => list('?sort=random'), 400],
    ['a junk cursor', () => list('?cursor=junk!'), 400],
    ['a base64 cursor that is not ours', () => list(`?cursor=${Buffer.from('{"$gt":""}').toString('base64url')}`), 400],
    ['a cursor of another sort', () => list(`?sort=newest&cursor=${encodeCursor({ sort: 'oldest', id: existing })}`), 400],
    ['a 300-character pageId on list', () => list('', long), 400],
    ['page[$gt]= on counts', () => request(node.url).get(`/api/v1/sites/${site.siteId}/counts?page[$gt]=`), 400],
    ['an empty page on counts', () => request(node.url).get(`/api/v1/sites/${site.siteId}/counts?page=`), 400],
    [
      'a comment id that is not an id',
      () =>
        request(node.url)
          .patch('/api/v1/comments/%7B%22%24gt%22%3A%22%22%7D')
          .set('Authorization', `Bearer ${token}`)
          .send({ body: 'x' }),
      400,
    ],
    [
      'an operator as reaction type',
      () => request(node.url).put(`/api/v1/comments/${existing}/reactions/%24gt`).set('Authorization', `Bearer ${token}`),
      400,
    ],
    [
      'an operator object as flag reason',
      () =>
        request(node.url)
          .post(`/api/v1/comments/${existing}/flags`)
          .set('Authorization', `Bearer ${token}`)
          .send({ reason: { $gt: '' } }),
      400,
    ],
    [
      'an operator object as edit body',
      () =>
        request(node.url)
          .patch(`/api/v1/comments/${existing}`)
          .set('Authorization', `Bearer ${token}`)
          .send({ body: { $gt: '' } }),
      400,
    ],
  ];

  test.each(rows)('when the request has %s, then it gets %d in the SPEC error shape, never 500', async (_what, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: 'bad_request', message: expect.any(String) }) });
    expect(Object.keys(res.body.error).sort()).toEqual(expect.arrayContaining(['code', 'message']));
    expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+|\.js:\d+|Error:/);
  });

  test('when a body of exactly 5000 characters (or 5000 emoji) is posted, then it is accepted', async () => {
    expect((await post(JSON.stringify({ body: 'b'.repeat(5000) }))).status).toBe(201);
    expect((await post(JSON.stringify({ body: '😀'.repeat(5000) }))).status).toBe(201);
  });

  test('when __proto__ and constructor keys ride along, then they are ignored and no prototype is polluted', async () => {
    const res = await post(
      '{"body":"proto ride","__proto__":{"polluted":"yes","status":"pending"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    expect(res.status).toBe(201);
    expect(res.body.comment.status).toBe('visible');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('when unknown fields are sent, then they are ignored (status, author and ids cannot be forged)', async () => {
    const res = await post(
      JSON.stringify({ body: 'forged?', status: 'deleted', authorId: 'someone', id: existing, likeCount: 99, siteId: 'other' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.comment).toMatchObject({ status: 'visible', siteId: site.siteId, reactions: { like: 0 } });
    expect(res.body.comment.id).not.toBe(existing);
  });

  test('when an operator object reaches a repository filter anyway, then sanitizeFilter makes it a literal and strictQuery drops unknown paths', async () => {
    const repo = new CommentsRepository(node.mongo);
    const smuggled = { $ne: 'nobody' } as unknown as string;
    // `{ $ne }` becomes `{ $eq: { $ne } }`, which cannot even be cast to a string: the query never runs.
    await expect(repo.findByNonce(site.siteId, smuggled, smuggled)).rejects.toThrow(/Cast to string failed/);
    await expect(
      node.mongo.model('Comment').countDocuments({ siteId: site.siteId, authorId: { $ne: 'nobody' } }),
    ).rejects.toThrow(/Cast to string failed/);
    expect(await node.mongo.model('Comment').countDocuments({ siteId: site.siteId })).toBeGreaterThan(0);
    // strictQuery drops paths the schema does not know, so a stray key never reaches the store.
    const all = await node.mongo.model('Comment').countDocuments({ siteId: site.siteId });
    expect(await node.mongo.model('Comment').countDocuments({ siteId: site.siteId, notAField: 1 } as object)).toBe(all);
    await expect(
      node.mongo.model('Comment').countDocuments({ siteId: site.siteId, $where: 'sleep(1000)' } as object),
    ).rejects.toThrow(/\$where is not allowed/);
  });

  test('when markup is posted over REST, then the stored html is the sanitized rendering and carries no executable part', async () => {
    const body =
      '[a](javascript:alert(1)) <img src=x onerror=alert(1)> <javascript:alert(1)> [ok](https://ok.example) `<script>`';
    const res = await post(JSON.stringify({ body }));
    expect(res.status).toBe(201);
    const stored = await node.mongo.collection('comments').findOne({ _id: new Types.ObjectId(res.body.comment.id as string) });
    expect(stored?.body).toBe(body);
    expect(stored?.html).toBe(res.body.comment.html);
    const found = elements(stored?.html as string);
    expect(found.map((e) => e.name).sort()).toEqual(['a', 'code', 'p']);
    expect(found.find((e) => e.name === 'a')?.attribs).toEqual({
      href: 'https://ok.example',
      rel: 'nofollow ugc noopener noreferrer',
      target: '_blank',
    });
  });
});
