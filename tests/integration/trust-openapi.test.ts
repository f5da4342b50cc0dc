import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { ADMIN_KEY, createSite, postComment, signToken, startNode, stopNode, type TestNode } from '../helpers/harness';

const DOC_ID = 'https://parley.test/openapi.json';

describe('OpenAPI of the trust-and-safety routes', () => {
  let node: TestNode;
  let ajv: Ajv2020;
  beforeAll(async () => {
    node = await startNode();
    const doc = (await request(node.url).get('/api/v1/openapi.json').expect(200)).body as Record<string, unknown>;
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: DOC_ID });
  });
  afterAll(() => stopNode(node));

  function expectDocumented(method: string, path: string, res: request.Response): void {
    const pointer = `${DOC_ID}#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${res.status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    expect({ pointer, found: Boolean(validate) }).toEqual({ pointer, found: true });
    expect({ route: `${method} ${path} ${res.status}`, errors: validate!(res.body) ? null : validate!.errors }).toEqual({
      route: `${method} ${path} ${res.status}`,
      errors: null,
    });
  }

  test('when the new routes answer for real, then every answer, pow_required included, matches the document', async () => {
    const site = await createSite(node, { proofOfWork: 'everyone', linkHold: 2, retentionDays: 30 });
    const token = signToken(site, { sub: 'reader-1' });
    const api = request(node.url);
    const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
    expectDocumented('get', '/sites/{siteId}/challenge', await api.get(`/api/v1/sites/${site.siteId}/challenge`));
    const refused = await postComment(node, site, '/o', token, 'no work');
    expect(refused.status).toBe(403);
    expectDocumented('post', '/sites/{siteId}/pages/{pageId}/comments', refused);
    expectDocumented('get', '/sites/{siteId}', await api.get(`/api/v1/sites/${site.siteId}`).set(admin));
    expectDocumented('get', '/sites/{siteId}/settings', await api.get(`/api/v1/sites/${site.siteId}/settings`));
    const auth = { Authorization: `Bearer ${token}` };
    expectDocumented('get', '/sites/{siteId}/me/export', await api.get(`/api/v1/sites/${site.siteId}/me/export`).set(auth));
    expectDocumented('get', '/sites/{siteId}/me/export', await api.get(`/api/v1/sites/${site.siteId}/me/export`));
    expectDocumented('delete', '/sites/{siteId}/me', await api.delete(`/api/v1/sites/${site.siteId}/me`).set(auth));
    expectDocumented(
      'get',
      '/sites/{siteId}/users/{userId}/export',
      await api.get(`/api/v1/sites/${site.siteId}/users/reader-1/export`).set(admin),
    );
    expectDocumented(
      'delete',
      '/sites/{siteId}/users/{userId}',
      await api.delete(`/api/v1/sites/${site.siteId}/users/reader-1`).set(admin),
    );
    expectDocumented('delete', '/sites/{siteId}/users/{userId}', await api.delete(`/api/v1/sites/${site.siteId}/users/reader-1`));
  });
});
