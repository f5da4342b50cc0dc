import request from 'supertest';
import {
  ADMIN_KEY,
  createSite,
  postComment,
  signToken,
  startNode,
  until,
  type TestNode,
  type TestSite,
  workerDbName,
} from '../helpers/harness';
import { disqusExport, type DisqusPost } from '../helpers/import-fixtures';
import { importText, listAll, storedCount, type Listed } from '../helpers/import-run';

const admin = (req: request.Test) => req.set('Authorization', `Bearer ${ADMIN_KEY}`);

function bigDisqus(n: number): string {
  const posts: DisqusPost[] = [];
  for (let i = 1; i <= n; i++)
    posts.push({
      id: String(i),
      thread: String(1 + (i % 3)),
      parent: i > 3 && i % 4 === 0 ? String(i - 3) : undefined,
      message: `<p>comment ${i} ${'lorem ipsum '.repeat(10)}</p>`,
      createdAt: new Date(Date.UTC(2016, 0, 1, 0, 0, i)).toISOString(),
      name: `Reader ${i % 7}`,
      username: `reader${i % 7}`,
    });
  const threads = [1, 2, 3].map((t) => ({ id: String(t), link: `https://news.example.com/story-${t}` }));
  return disqusExport(threads, posts);
}

async function uploadAndWait(node: TestNode, site: TestSite, query: string, body: string, type = 'application/xml') {
  const res = await admin(request(node.url).post(`/api/v1/sites/${site.siteId}/imports?${query}`))
    .set('Content-Type', type)
    .send(body);
  expect(res.status).toBe(202);
  expect(res.body.import).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'running' });
  const id = res.body.import.id as string;
  let job: { status: string; progress: number; report: Record<string, unknown> } | undefined;
  await until(
    async () => {
      const status = await admin(request(node.url).get(`/api/v1/sites/${site.siteId}/imports/${id}`));
      job = status.body.import;
      return job?.status !== 'running';
    },
    60_000,
    'the import to finish',
  );
  return job!;
}

/** Everything a reader sees on a page, every level and sort, without the ids (which differ between sites). */
async function fullListing(node: TestNode, site: TestSite, pageId: string): Promise<unknown[]> {
  const strip = (c: Listed) => ({ ...c, id: undefined, parentId: undefined, siteId: undefined });
  const out: unknown[] = [];
  for (const sort of ['newest', 'oldest', 'top']) {
    const level = async (parentId?: string): Promise<void> => {
      const { comments, total } = await listAll(node, site, pageId, { sort, ...(parentId ? { parentId } : {}) });
      out.push({ sort, parentId: Boolean(parentId), total });
      for (const c of comments) {
        out.push(strip(c));
        if (c.replyCount > 0 || c.status === 'deleted') await level(c.id);
      }
    };
    await level();
  }
  return out;
}

// Uploads, background runs and full listings on a busy shared store take longer than the default 30 s.
jest.setTimeout(120_000);

describe('import and export over the admin REST API', () => {
  let node: TestNode;
  beforeAll(async () => {
    // A database of its own, dropped afterwards: the embedded store scans whole collections, so
    // thousands of imported comments left in the worker's database would slow every later test file.
    node = await startNode({ dbName: `${workerDbName()}_import_rest` });
  });
  afterAll(async () => {
    await node.mongo.dropDatabase();
    await node.close();
  });

  test('when a Disqus file over 32 KiB is posted, then the import runs in the background and its status ends done with the report', async () => {
    const site = await createSite(node);
    const file = bigDisqus(400);
    expect(Buffer.byteLength(file)).toBeGreaterThan(64 * 1024);
    const job = await uploadAndWait(node, site, 'format=disqus', file);
    expect(job.status).toBe('done');
    expect(job.progress).toBe(100);
    expect(job.report).toMatchObject({ comments: { seen: 400, imported: 400, alreadyPresent: 0 }, failed: null });
    expect(await storedCount(node, site.siteId)).toBe(400);
    const { total } = await listAll(node, site, '/story-1');
    expect(total).toBe(133);
  });

  test('when dryRun=true, then the report counts what would be imported and nothing is written', async () => {
    const site = await createSite(node);
    const job = await uploadAndWait(node, site, 'format=disqus&dryRun=true', bigDisqus(50));
    expect(job.report).toMatchObject({ dryRun: true, comments: { seen: 50, imported: 50 } });
    expect(await storedCount(node, site.siteId)).toBe(0);
  });

  test('when the file is malformed, then the import ends failed with the position in its report', async () => {
    const site = await createSite(node);
    const job = await uploadAndWait(node, site, 'format=wordpress', bigDisqus(5));
    expect(job.status).toBe('failed');
    expect((job.report as { failed: { message: string } }).failed.message).toMatch(/not a WordPress.*line 2/);
  });

  test('when the OpenAPI document is read, then the import routes are in it with a file body and an NDJSON answer', async () => {
    const doc = (await request(node.url).get('/api/v1/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> }
        >
      >;
    };
    const post = doc.paths['/sites/{siteId}/imports']!.post!;
    expect(Object.keys(post.requestBody!.content)).toEqual(expect.arrayContaining(['application/xml', 'application/x-ndjson']));
    expect(post.responses['202']!.content!['application/json']).toBeDefined();
    expect(doc.paths['/sites/{siteId}/imports/{id}']!.get!.responses['200']!.content!['application/json']).toBeDefined();
    expect(doc.paths['/sites/{siteId}/export']!.get!.responses['200']!.content!['application/x-ndjson']).toBeDefined();
  });

  test('when the request is wrong, then it gets the SPEC error shape with a 4xx', async () => {
    const site = await createSite(node);
    const base = `/api/v1/sites/${site.siteId}`;
    const bad = await admin(request(node.url).post(`${base}/imports?format=isso`)).send('x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    expect((await request(node.url).post(`${base}/imports?format=disqus`).send('x')).status).toBe(401);
    const empty = await admin(request(node.url).post(`${base}/imports?format=disqus`));
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/body is empty/);
    expect((await admin(request(node.url).post('/api/v1/sites/no-such-site/imports?format=disqus')).send('x')).status).toBe(404);
    expect((await admin(request(node.url).get(`${base}/imports/${'0'.repeat(24)}`))).status).toBe(404);
    expect((await admin(request(node.url).get(`${base}/imports/nope`))).status).toBe(400);
    expect((await request(node.url).get(`${base}/export`)).status).toBe(401);
  });

  test('when a site is exported and the export imported into a new site, then every listing is identical', async () => {
    const a = await createSite(node, { limits: { postsPerMinutePerUser: 100 } });
    await importText(node, a, 'disqus', bigDisqus(30));
    const token = signToken(a, { sub: 'native-1', name: 'Native' });
    const parent = await postComment(node, a, '/story-1', token, 'native *top*');
    expect(parent.status).toBe(201);
    for (let i = 0; i < 4; i++)
      expect(
        (await postComment(node, a, '/story-1', token, { body: `native reply ${i}`, parentId: parent.body.comment.id })).status,
      ).toBe(201);
    const doomed = await postComment(node, a, '/story-2', token, 'to be deleted');
    await postComment(node, a, '/story-2', signToken(a), { body: 'keeps the tombstone', parentId: doomed.body.comment.id });
    await request(node.url)
      .delete(`/api/v1/comments/${doomed.body.comment.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    await request(node.url)
      .put(`/api/v1/comments/${parent.body.comment.id}/reactions/like`)
      .set('Authorization', `Bearer ${signToken(a)}`)
      .expect(200);

    const exported = await admin(request(node.url).get(`/api/v1/sites/${a.siteId}/export`))
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => cb(null, text));
      });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = (exported.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'parley-export', version: 1, siteId: a.siteId });
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(37);
    expect(
      lines.find((l) => l.type === 'comment' && (l.source as { system?: string } | undefined)?.system === 'disqus'),
    ).toBeDefined();

    const b = await createSite(node);
    const job = await uploadAndWait(node, b, 'format=parley', exported.body as string, 'application/x-ndjson');
    expect(job.report).toMatchObject({ comments: { seen: 37, imported: 37 }, orphans: { count: 0 }, failed: null });
    for (const page of ['/story-1', '/story-2', '/story-3'])
      expect(await fullListing(node, b, page)).toEqual(await fullListing(node, a, page));

    // Importing the export back into its own site restores, never duplicates.
    const back = await importText(node, a, 'parley', exported.body as string);
    expect(back.comments).toMatchObject({ imported: 0, alreadyPresent: 37 });
    // And the Disqus file into the copy: its comments carry their Disqus sources along.
    const disqusAgain = await importText(node, b, 'disqus', bigDisqus(30));
    expect(disqusAgain.comments).toMatchObject({ imported: 0, alreadyPresent: 30 });
    expect(await storedCount(node, b.siteId)).toBe(37);
  });
});
