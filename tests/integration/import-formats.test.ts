import { closeSockets, createSite, emitAck, moderatorSocket, startNode, workerDbName, type TestNode } from '../helpers/harness';
import { commentoExport, remark42Backup, wxrExport, type WpItem } from '../helpers/import-fixtures';
import { importText, listAll, storedCount } from '../helpers/import-run';

const ITEMS: WpItem[] = [
  {
    postId: 7,
    link: 'https://blog.example.com/2019/07/on-bikes/',
    title: 'On bikes',
    comments: [
      {
        id: 1,
        author: 'Ann',
        email: 'ann@example.com',
        url: 'https://ann.example',
        date: '2019-07-02 08:00:00',
        content: 'Plain text\nsecond line\n\nnew paragraph & <em>more</em>',
      },
      { id: 2, parent: 1, author: 'Ben', date: '2019-07-02 09:00:00', content: 'bare value &amp; reply', bare: true, userId: 3 },
      { id: 3, author: 'Pinger', date: '2019-07-02 10:00:00', content: 'pingback', type: 'pingback' },
      { id: 4, author: 'Tracker', date: '2019-07-02 10:30:00', content: 'trackback', type: 'trackback' },
      { id: 5, author: 'Trash', date: '2019-07-02 11:00:00', content: 'thrown away', approved: 'trash' },
      { id: 6, parent: 5, author: 'Cai', date: '2019-07-02 12:00:00', content: 'reply to trash' },
      { id: 7, author: 'Wait', date: '2019-07-02 13:00:00', content: 'awaiting moderation', approved: '0' },
      { id: 8, author: 'Spam', date: '2019-07-02 14:00:00', content: 'spam', approved: 'spam' },
    ],
  },
  { postId: 8, link: 'https://blog.example.com/about/', title: 'About', comments: [] },
];

describe('importing WordPress, Commento and Remark42 exports', () => {
  let node: TestNode;
  beforeAll(async () => {
    // A database of its own, dropped afterwards: the embedded store scans whole collections, so
    // thousands of imported comments left in the worker's database would slow every later test file.
    node = await startNode({ dbName: `${workerDbName()}_import_formats` });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node.mongo.dropDatabase();
    await node.close();
  });

  test('when a WordPress WXR file is imported, then pingbacks and trackbacks are skipped, trash and spam are held for moderators and replies to trash move up', async () => {
    const site = await createSite(node);
    const report = await importText(node, site, 'wordpress', wxrExport(ITEMS));
    expect(report.failed).toBeNull();
    expect(report.threads).toEqual({ seen: 2, imported: 1 });
    expect(report.comments).toMatchObject({ seen: 8, imported: 6, skipped: { pingback: 1, trackback: 1 } });
    expect(report.orphans.items.map((o) => [o.id, o.reason])).toEqual([['6', 'parent-spam']]);
    const page = '/2019/07/on-bikes/';
    const listed = await listAll(node, site, page);
    expect(listed.total).toBe(3);
    expect(listed.comments.map((c) => c.body)).toEqual(['Plain text\nsecond line\n\nnew paragraph & *more*', 'reply to trash']);
    expect(listed.comments[0]!.html).toBe('<p>Plain text<br />\nsecond line</p>\n<p>new paragraph &amp; <em>more</em></p>');
    expect(listed.comments[0]!.author).toMatchObject({ name: 'Ann', guest: true });
    expect(listed.comments[0]!.createdAt).toBe('2019-07-02T08:00:00.000Z');
    const replies = await listAll(node, site, page, { parentId: listed.comments[0]!.id });
    expect(replies.comments.map((c) => [c.body, c.author.id, c.author.guest])).toEqual([
      ['bare value & reply', 'wordpress:3', false],
    ]);
    const asMod = await listAll(node, site, page, { moderator: true });
    expect(asMod.comments.map((c) => [c.body, c.status])).toEqual([
      ['Plain text\nsecond line\n\nnew paragraph & *more*', 'visible'],
      ['thrown away', 'rejected'],
      ['reply to trash', 'visible'],
      ['awaiting moderation', 'pending'],
      ['spam', 'rejected'],
    ]);

    // The held comment waits in the moderation queue like a native one.
    const moderator = await moderatorSocket(node, site);
    const queue = await emitAck(moderator, 'queue:list', { status: 'pending' });
    expect(queue.ok && queue.comments.map((c) => c.body)).toEqual(['awaiting moderation']);

    const again = await importText(node, site, 'wordpress', wxrExport(ITEMS));
    expect(again.comments).toMatchObject({ imported: 0, alreadyPresent: 6 });
    expect(await storedCount(node, site.siteId)).toBe(6);
  });

  test('when WordPress spam is skipped, then trash and spam are not imported', async () => {
    const site = await createSite(node);
    const report = await importText(node, site, 'wordpress', wxrExport(ITEMS), { spam: 'skip' });
    expect(report.comments.skipped).toEqual({ pingback: 1, trackback: 1, trash: 1, spam: 1 });
    expect(report.orphans.items.map((o) => [o.id, o.reason])).toEqual([['6', 'parent-skipped']]);
    expect(await storedCount(node, site.siteId)).toBe(4);
  });

  test('when a Commento export lists its commenters after the comments, then names, markdown, states and scores are kept', async () => {
    const site = await createSite(node);
    const file = commentoExport(
      [
        {
          commentHex: 'c2',
          url: '/post/one',
          commenterHex: 'u1',
          markdown: 'A *reply*',
          parentHex: 'c1',
          creationDate: '2020-02-01T10:05:00Z',
        },
        {
          commentHex: 'c1',
          url: '/post/one',
          commenterHex: 'u1',
          markdown: 'Top **level**',
          parentHex: 'root',
          creationDate: '2020-02-01T10:00:00Z',
          score: 4,
        },
        {
          commentHex: 'c3',
          url: '/post/one',
          commenterHex: 'anonymous',
          markdown: 'held',
          parentHex: 'root',
          state: 'unapproved',
          creationDate: '2020-02-01T10:10:00Z',
        },
        {
          commentHex: 'c4',
          url: 'blog.example.com/post/two',
          commenterHex: 'u2',
          markdown: 'flagged',
          parentHex: 'root',
          state: 'flagged',
          creationDate: '2020-02-01T10:20:00Z',
        },
      ],
      [
        { commenterHex: 'u1', name: 'Uma', email: 'uma@example.com', photo: 'https://img.example/uma.png' },
        { commenterHex: 'u2', name: 'Vic', email: 'vic@example.com' },
      ],
    );
    const report = await importText(node, site, 'commento', file);
    expect(report.failed).toBeNull();
    expect(report.comments).toMatchObject({ seen: 4, imported: 4 });
    const listed = await listAll(node, site, '/post/one');
    expect(listed.total).toBe(2);
    expect(listed.comments.map((c) => [c.body, c.html, c.reactions.like, c.replyCount])).toEqual([
      ['Top **level**', '<p>Top <strong>level</strong></p>', 4, 1],
    ]);
    expect(listed.comments[0]!.author).toMatchObject({ id: 'commento:u1', name: 'Uma', avatar: 'https://img.example/uma.png' });
    const mod = await listAll(node, site, '/post/two', { moderator: true });
    expect(mod.comments.map((c) => [c.body, c.status])).toEqual([['flagged', 'rejected']]);
    const bad = await importText(node, site, 'commento', '{"comments": [ {"commentHex": "x", ');
    expect(bad.failed?.message).toMatch(/Commento.*byte \d+/);
  });

  test('when a Remark42 backup is imported, then markdown originals, deleted comments with replies and scores are kept', async () => {
    const site = await createSite(node);
    const url = 'https://remark.example.com/posts/p1?ref=x';
    const file = remark42Backup([
      {
        id: 'r1',
        text: '<p>html one</p>',
        orig: 'one `code`',
        user: { name: 'Wes', id: 'github_wes' },
        url,
        time: '2021-05-01T12:00:00Z',
        score: 2,
      },
      {
        id: 'r2',
        pid: 'r1',
        text: '<p>gone</p>',
        user: { name: 'Xi', id: 'anonymous_xi' },
        url,
        time: '2021-05-01T12:01:00Z',
        delete: true,
      },
      {
        id: 'r3',
        pid: 'r2',
        text: '<p>under a deleted one</p>',
        user: { name: 'Yo', id: 'google_yo' },
        url,
        time: '2021-05-01T12:02:00Z',
      },
      {
        id: 'r4',
        text: '<p>deleted alone</p>',
        user: { name: 'Zed', id: 'google_zed' },
        url,
        time: '2021-05-01T12:03:00Z',
        delete: true,
      },
    ]);
    const report = await importText(node, site, 'remark42', file);
    expect(report.comments).toMatchObject({ seen: 4, imported: 3, skipped: { 'deleted-without-replies': 1 } });
    const listed = await listAll(node, site, '/posts/p1');
    expect(listed.total).toBe(2);
    expect(listed.comments.map((c) => [c.body, c.html, c.reactions.like])).toEqual([
      ['one `code`', '<p>one <code>code</code></p>', 2],
    ]);
    const level1 = await listAll(node, site, '/posts/p1', { parentId: listed.comments[0]!.id });
    expect(level1.comments.map((c) => c.status)).toEqual(['deleted']);
    const level2 = await listAll(node, site, '/posts/p1', { parentId: level1.comments[0]!.id });
    expect(level2.comments.map((c) => [c.body, c.depth])).toEqual([['under a deleted one', 2]]);
    const cut = await importText(node, site, 'remark42', file.slice(0, file.length - 40));
    expect(cut.failed?.message).toMatch(/line 5/);
  });
});
