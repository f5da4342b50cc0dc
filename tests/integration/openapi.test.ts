import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { createSite, modToken, postComment, signToken, startNode, stopNode, type TestNode } from '../helpers/harness';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown>; operationId: string }>
  >;
};
const DOC_ID = 'https://parley.test/openapi.json';

describe('OpenAPI document', () => {
  let node: TestNode;
  let doc: Doc;
  let ajv: Ajv2020;
  beforeAll(async () => {
    node = await startNode();
    doc = (await request(node.url).get('/api/v1/openapi.json').expect(200)).body as Doc;
    // The whole document is one schema resource, so `#/components/...` references resolve inside it.
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: DOC_ID });
  });
  afterAll(() => stopNode(node));

  /** Validates a real response against the document's schema for that route and status. */
  function expectDocumented(method: string, path: string, res: request.Response): void {
    const op = doc.paths[path]?.[method];
    expect({ route: `${method} ${path}`, documented: Boolean(op) }).toEqual({ route: `${method} ${path}`, documented: true });
    expect({ route: `${method} ${path}`, status: res.status, documented: Object.keys(op!.responses) }).toEqual(
      expect.objectContaining({ documented: expect.arrayContaining([String(res.status)]) }),
    );
    const pointer = `${DOC_ID}#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${res.status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    const ok = validate(res.body);
    expect({ route: `${method} ${path} ${res.status}`, errors: ok ? null : validate.errors }).toEqual({
      route: `${method} ${path} ${res.status}`,
      errors: null,
    });
  }

  test('when the document is served, then it is OpenAPI 3.1 with unique operation ids and every path parameter declared', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.values(methods).map((op) => ({ path, op })));
    expect(new Set(ops.map((o) => o.op.operationId)).size).toBe(ops.length);
    for (const { path, op } of ops) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect({
        path,
        params: op.parameters
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort(),
      }).toEqual({ path, params: inPath });
    }
  });

  test('when the listing is documented, then total says what it counts at the top level and for replies', () => {
    const op = doc.paths['/sites/{siteId}/pages/{pageId}/comments']!.get!;
    const text = JSON.stringify(op.responses['200']);
    expect(text).toContain('/counts');
    expect(text).toContain('replyCount');
  });

  test('when every comment route answers for real, then each response matches the document', async () => {
    const site = await createSite(node, { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } });
    const pre = await createSite(node, { moderation: 'pre' });
    const token = signToken(site, { sub: 'writer' });
    const auth = { Authorization: `Bearer ${token}` };
    const api = request(node.url);
    const L = '/sites/{siteId}/pages/{pageId}/comments';

    const created = await postComment(node, site, '/a/b', token, { body: 'hello [x](https://ok.example)', clientNonce: 'n-1' });
    expectDocumented('post', L, created);
    const id = created.body.comment.id as string;
    expectDocumented(
      'post',
      L,
      await postComment(node, site, '/a/b', token, { body: 'hello [x](https://ok.example)', clientNonce: 'n-1' }),
    );
    expectDocumented('post', L, await postComment(node, pre, 'p', signToken(pre), 'held'));
    expectDocumented('post', L, await postComment(node, site, '/a/b', token, { body: 'reply', parentId: id }));
    expectDocumented('post', L, await api.post(`/api/v1/sites/${site.siteId}/pages/p/comments`).send({ body: 'x' }));
    expectDocumented('post', L, await postComment(node, site, 'p', token, { body: '   ' }));

    expect((await postComment(node, site, '/a/b', token, 'second top-level')).status).toBe(201);
    const listed = await api
      .get(`/api/v1/sites/${site.siteId}/pages/%2Fa%2Fb/comments`)
      .query({ sort: 'top', limit: 1 })
      .set(auth);
    expect(listed.body.nextCursor).not.toBeNull();
    expectDocumented('get', L, listed);
    expectDocumented(
      'get',
      L,
      await api
        .get(`/api/v1/sites/${site.siteId}/pages/%2Fa%2Fb/comments`)
        .query({ parentId: id })
        .set({ Authorization: `Bearer ${modToken(site)}` }),
    );
    expectDocumented('get', L, await api.get(`/api/v1/sites/${site.siteId}/pages/%2Fa%2Fb/comments`).query({ limit: 0 }));
    expectDocumented('get', L, await api.get('/api/v1/sites/no-such-site/pages/p/comments'));

    expectDocumented('patch', '/comments/{id}', await api.patch(`/api/v1/comments/${id}`).set(auth).send({ body: 'edited' }));
    expectDocumented(
      'patch',
      '/comments/{id}',
      await api
        .patch(`/api/v1/comments/${id}`)
        .set({ Authorization: `Bearer ${signToken(site)}` })
        .send({ body: 'not mine' }),
    );
    expectDocumented('put', '/comments/{id}/reactions/{type}', await api.put(`/api/v1/comments/${id}/reactions/like`).set(auth));
    expectDocumented(
      'delete',
      '/comments/{id}/reactions/{type}',
      await api.delete(`/api/v1/comments/${id}/reactions/like`).set(auth),
    );
    expectDocumented(
      'put',
      '/comments/{id}/reactions/{type}',
      await api.put(`/api/v1/comments/0123456789abcdef01234567/reactions/like`).set(auth),
    );
    expectDocumented(
      'post',
      '/comments/{id}/flags',
      await api.post(`/api/v1/comments/${id}/flags`).set(auth).send({ reason: 'spam' }),
    );
    expectDocumented(
      'post',
      '/comments/{id}/flags',
      await api.post(`/api/v1/comments/${id}/flags`).set(auth).send({ reason: 'spam' }),
    );
    expectDocumented(
      'get',
      '/sites/{siteId}/counts',
      await api.get(`/api/v1/sites/${site.siteId}/counts?page=%2Fa%2Fb&page=none`),
    );
    expectDocumented('get', '/sites/{siteId}/counts', await api.get(`/api/v1/sites/${site.siteId}/counts`));
    expectDocumented('delete', '/comments/{id}', await api.delete(`/api/v1/comments/${id}`).set(auth));
    expectDocumented('delete', '/comments/{id}', await api.delete(`/api/v1/comments/${id}`));
  });

  test('when a response breaks the documented shape, then the validator reports it (the check can fail)', () => {
    const validate = ajv.getSchema(
      `${DOC_ID}#/paths/~1sites~1{siteId}~1counts/get/responses/200/content/application~1json/schema`,
    )!;
    expect(validate({ counts: { a: 1 } })).toBe(true);
    expect(validate({ counts: { a: '1' } })).toBe(false);
    expect(validate({})).toBe(false);
  });
});
