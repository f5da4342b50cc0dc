import { createSite, startNode, type TestNode, type TestSite, workerDbName } from '../helpers/harness';
import { disqusExport, type DisqusPost } from '../helpers/import-fixtures';
import { importText, listAll, storedCount } from '../helpers/import-run';

const THREADS = [
  { id: '100', link: 'https://blog.example.com/2015/hello/', identifier: '' },
  // The same page under a second URL (http, www, query string): one Parley page.
  { id: '101', link: 'http://www.blog.example.com/2015/hello/?utm_source=feed', identifier: 'hello-post' },
  { id: '102', link: 'https://blog.example.com/2015/second', identifier: 'second-post' },
];

const at = (minute: number) => `2015-03-01T10:${String(minute).padStart(2, '0')}:00Z`;

function posts(): DisqusPost[] {
  return [
    {
      id: '1',
      thread: '100',
      message: '<p>First &amp; <b>bold</b> &lt;script&gt;</p><script>alert(1)</script>',
      createdAt: at(1),
      name: 'Ana',
      username: 'ana',
      email: 'ana@example.com',
    },
    // A reply that comes before its parent in the file.
    { id: '5', thread: '101', parent: '4', message: '<p>Reply to a later parent</p>', createdAt: at(6), name: 'Bo' },
    { id: '4', thread: '101', message: '<p>Parent, later in the file</p>', createdAt: at(5), name: 'Cy', escaped: true },
    { id: '6', thread: '100', message: '<p>Was deleted</p>', createdAt: at(7), deleted: true, name: 'Di' },
    { id: '7', thread: '100', parent: '6', message: '<p>Reply to a deleted post</p>', createdAt: at(8), name: 'Ed' },
    { id: '8', thread: '100', message: '<p>Buy now</p>', createdAt: at(9), spam: true, name: 'Spammer' },
    { id: '9', thread: '100', parent: '8', message: '<p>Reply to spam</p>', createdAt: at(10), name: 'Fay' },
    { id: '10', thread: '100', message: '<p>Deleted alone</p>', createdAt: at(11), deleted: true },
    { id: '11', thread: '100', parent: '999', message: '<p>Parent never exported</p>', createdAt: at(12), name: 'Gus' },
    {
      id: '12',
      thread: '102',
      message:
        '<p>Entities: caf&eacute; &#8212; &quot;q&quot; <a href="https://x.example/a?b=1&amp;c=2">link</a><br>line two</p>',
      createdAt: at(13),
      name: 'Hal',
      escaped: true,
    },
  ];
}

describe('importing a Disqus export', () => {
  let node: TestNode;
  beforeAll(async () => {
    // A database of its own, dropped afterwards: the embedded store scans whole collections, so
    // thousands of imported comments left in the worker's database would slow every later test file.
    node = await startNode({ dbName: `${workerDbName()}_import_disqus` });
  });
  afterAll(async () => {
    await node.mongo.dropDatabase();
    await node.close();
  });

  test('when a Disqus export is imported, then pages, replies, tombstones, spam and orphans are listed as the mapping says', async () => {
    const site: TestSite = await createSite(node);
    const report = await importText(node, site, 'disqus', disqusExport(THREADS, posts()));
    expect(report.failed).toBeNull();
    expect(report.threads).toEqual({ seen: 3, imported: 2 });
    expect(report.comments).toMatchObject({
      seen: 10,
      imported: 9,
      alreadyPresent: 0,
      skipped: { 'deleted-without-replies': 1 },
    });
    expect(report.orphans.items.map((o) => [o.id, o.reason]).sort()).toEqual([
      ['11', 'parent-missing'],
      ['9', 'parent-spam'],
    ]);

    // Threads 100 and 101 share the path /2015/hello/: one page, whatever the empty <id>.
    const hello = await listAll(node, site, '/2015/hello/');
    expect(hello.total).toBe(6);
    const top = hello.comments;
    expect(top.map((c) => c.body)).toEqual([
      'First & bold <script>',
      'Parent, later in the file',
      '',
      'Reply to spam',
      'Parent never exported',
    ]);
    expect(top.map((c) => c.status)).toEqual(['visible', 'visible', 'deleted', 'visible', 'visible']);
    expect(top[0]!.html).toBe('<p>First &amp; bold &lt;script&gt;</p>');
    expect(top[0]!.author).toEqual({ id: 'disqus:ana', name: 'Ana', avatar: null, guest: false });
    expect(JSON.stringify(top)).not.toContain('ana@example.com');
    expect(top[0]!.createdAt).toBe('2015-03-01T10:01:00.000Z');
    const parent = top[1]!;
    expect(parent.replyCount).toBe(1);
    const replies = await listAll(node, site, '/2015/hello/', { parentId: parent.id });
    expect(replies.comments.map((c) => [c.body, c.depth])).toEqual([['Reply to a later parent', 1]]);
    const tombstone = top[2]!;
    expect(tombstone.author.name).toBeNull();
    const underTombstone = await listAll(node, site, '/2015/hello/', { parentId: tombstone.id });
    expect(underTombstone.comments.map((c) => c.body)).toEqual(['Reply to a deleted post']);

    // Moderators also see the spam, kept as rejected.
    const asMod = await listAll(node, site, '/2015/hello/', { moderator: true });
    expect(asMod.comments.filter((c) => c.status === 'rejected').map((c) => c.body)).toEqual(['Buy now']);

    const second = await listAll(node, site, '/2015/second');
    expect(second.total).toBe(1);
    expect(second.comments[0]!.body).toBe('Entities: café — "q" [link](https://x.example/a?b=1&c=2)\nline two');
    expect(second.comments[0]!.html).toContain('href="https://x.example/a?b=1&amp;c=2"');
    expect(second.comments[0]!.html).toContain('rel="nofollow ugc noopener noreferrer"');
  });

  test('when the same Disqus export is imported again, then nothing is created twice and the counts stay exact', async () => {
    const site = await createSite(node);
    const file = disqusExport(THREADS, posts());
    await importText(node, site, 'disqus', file);
    const before = await storedCount(node, site.siteId);
    const again = await importText(node, site, 'disqus', file);
    expect(again.comments.imported).toBe(0);
    expect(again.comments.alreadyPresent).toBe(9);
    expect(await storedCount(node, site.siteId)).toBe(before);
    expect((await listAll(node, site, '/2015/hello/')).total).toBe(6);
  });

  test('when pages are keyed by identifier and spam is skipped, then an empty identifier falls back to the link and replies to spam are kept', async () => {
    const site = await createSite(node);
    const report = await importText(node, site, 'disqus', disqusExport(THREADS, posts()), {
      pageIdFrom: 'identifier',
      spam: 'skip',
    });
    expect(report.comments.skipped).toEqual({ spam: 1, 'deleted-without-replies': 1 });
    expect(report.orphans.items.find((o) => o.id === '9')?.reason).toBe('parent-skipped');
    expect((await listAll(node, site, '/2015/hello/')).comments.map((c) => c.body)).toEqual([
      'First & bold <script>',
      '',
      'Reply to spam',
      'Parent never exported',
    ]);
    expect((await listAll(node, site, 'hello-post')).comments.map((c) => c.body)).toEqual(['Parent, later in the file']);
    expect((await listAll(node, site, 'second-post')).total).toBe(1);
  });

  test('when a message is 2 MB, then it is imported whole', async () => {
    const site = await createSite(node);
    const long = 'x'.repeat(2 * 1024 * 1024);
    const report = await importText(
      node,
      site,
      'disqus',
      disqusExport([THREADS[2]!], [{ id: '1', thread: '102', message: `<p>${long}</p>`, createdAt: at(1) }]),
    );
    expect(report.comments.imported).toBe(1);
    const { comments } = await listAll(node, site, '/2015/second');
    expect(comments[0]!.body.length).toBe(long.length);
  });

  test('when the file is not well-formed XML, then the run stops naming the line and column and writes nothing', async () => {
    const site = await createSite(node);
    const file = disqusExport(THREADS, posts()).replace('<post dsq:id="4">', '<post dsq:id="4"><oops>');
    const report = await importText(node, site, 'disqus', file);
    expect(report.failed?.message).toMatch(/line \d+, column \d+/);
    expect(await storedCount(node, site.siteId)).toBe(0);
  });

  test('when the file is another format or cut short, then the message says so with its position', async () => {
    const site = await createSite(node);
    const wrong = await importText(node, site, 'disqus', '<?xml version="1.0"?><rss><channel/></rss>');
    expect(wrong.failed?.message).toMatch(/not a Disqus export.*<rss>.*line 1/);
    const json = await importText(node, site, 'disqus', '{"comments": []}');
    expect(json.failed?.message).toMatch(/line 1, column 1/);
    const file = disqusExport(THREADS, posts());
    const cut = await importText(node, site, 'disqus', file.slice(0, Math.floor(file.length * 0.7)));
    expect(cut.failed?.message).toMatch(/line \d+/);
    expect(await storedCount(node, site.siteId)).toBe(0);
  });
});
