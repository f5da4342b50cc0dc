import request from 'supertest';
import { createSite, startNode, type TestNode } from '../helpers/harness';

describe('public site settings', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => node.close());

  test("when anyone asks for a site's settings, then they get what the widget needs and never the secret or limits", async () => {
    const site = await createSite(node, { guests: true, moderation: 'first', editWindowSec: 300, maxDepth: 2 });
    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/settings`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      settings: {
        siteId: site.siteId,
        name: `Test ${site.siteId}`,
        guests: true,
        moderation: 'first',
        editWindowSec: 300,
        maxDepth: 2,
        maxBodyChars: 5000,
        proofOfWork: 'off',
        // The test node has no SMTP server: no reply emails to offer.
        notifications: { replies: false, guestEmails: false },
        language: 'en',
      },
    });
    expect(JSON.stringify(res.body)).not.toContain(site.secret);
  });

  test('when the site does not exist, then the answer is 404 not_found', async () => {
    const res = await request(node.url).get('/api/v1/sites/no-such-site/settings');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
