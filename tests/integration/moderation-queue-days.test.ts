import { Types } from 'mongoose';
import { CommentsRepository } from '../../server/src/modules/comments/comments.repository';
import { dayOf, queueDayModel, queueMonthModel } from '../../server/src/modules/comments/queue-days';
import {
  closeSockets,
  createSite,
  emitAck,
  moderatorSocket,
  startNode,
  uniqueId,
  type AdminClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { storedComment } from '../helpers/stored-comment';

/** A comment as an older database holds it: no `day`, its id dated `daysAgo` back. */
function oldComment(siteId: string, daysAgo: number, status: 'pending' | 'visible', flagOpen = false) {
  return storedComment(siteId, daysAgo, { status, flagOpen, body: `held ${daysAgo} days ago` });
}

describe('moderation queues read month by month, then day by day', () => {
  let node: TestNode;
  let site: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    node = await startNode({ dbName: uniqueId('queue_days').replace(/-/g, '_') });
    site = await createSite(node);
    mod = await moderatorSocket(node, site);
  });
  afterAll(async () => {
    closeSockets();
    await node.mongo.db?.dropDatabase();
    await node.close();
  });

  async function pageThrough(status: 'pending' | 'flagged', limit: number): Promise<string[]> {
    const bodies: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const ack: { ok: boolean; comments: { body: string }[]; nextCursor: string | null } = await emitAck(mod, 'queue:list', {
        status,
        limit,
        ...(cursor ? { cursor } : {}),
      });
      expect(ack.ok).toBe(true);
      bodies.push(...ack.comments.map((c) => c.body));
      cursor = ack.nextCursor;
      if (!cursor) return bodies;
    }
    throw new Error('the queue never ended');
  }

  test('when a database from before the days index holds queued comments over many days, then the backfill lists them and pages walk them newest first without gaps', async () => {
    const days = [1, 3, 40, 41, 95, 400];
    await node.mongo
      .db!.collection('comments')
      .insertMany([
        ...days.map((d) => oldComment(site.siteId, d, 'pending')),
        oldComment(site.siteId, 2, 'visible'),
        oldComment(site.siteId, 60, 'visible', true),
      ]);
    // The marker of a database that already ran the backfill goes; the next start runs it.
    await node.mongo.db!.collection('parley_meta').deleteMany({});
    await new CommentsRepository(node.mongo).init('unique');
    const listed = await queueDayModel(node.mongo).find({ siteId: site.siteId, kind: 'pending' }).lean();
    expect(listed.map((d) => d.month).sort()).toEqual(listed.map((d) => d.day.slice(0, 7)).sort());
    expect(listed).toHaveLength(days.length);

    const expected = days.map((d) => `held ${d} days ago`);
    expect(await pageThrough('pending', 2)).toEqual(expected);
    expect(await pageThrough('pending', 4)).toEqual(expected);
    expect(await pageThrough('pending', 100)).toEqual(expected);
    expect(await pageThrough('flagged', 2)).toEqual(['held 60 days ago']);
  });

  test('when a listed day or month has no queued comment left, then a queue read drops it once it is stale, and keeps a freshly touched one', async () => {
    const Day = queueDayModel(node.mongo);
    const Month = queueMonthModel(node.mongo);
    const hourAgo = new Date(Date.now() - 3600_000);
    const entry = { siteId: site.siteId, kind: 'pending' as const };
    await Month.insertMany([
      { ...entry, month: '2001-01', touchedAt: hourAgo },
      { ...entry, month: '2000-06', touchedAt: hourAgo },
      { ...entry, month: '2000-05', touchedAt: new Date() },
    ]);
    await Day.insertMany([
      { ...entry, month: '2001-01', day: '2001-01-01', touchedAt: hourAgo },
      { ...entry, month: '2001-01', day: '2001-01-02', touchedAt: new Date() },
    ]);
    await emitAck(mod, 'queue:list', { status: 'pending', limit: 100 });
    const days = (await Day.find(entry).lean()).map((d) => d.day);
    expect(days).not.toContain('2001-01-01');
    expect(days).toContain('2001-01-02');
    const months = (await Month.find(entry).lean()).map((m) => m.month);
    expect(months).toContain('2001-01');
    expect(months).not.toContain('2000-06');
    expect(months).toContain('2000-05');
  });

  test('when a comment stored before the days index is flagged later, then it carries its day and the flagged queue shows it', async () => {
    const old = oldComment(site.siteId, 700, 'visible');
    await node.mongo.db!.collection('comments').insertOne(old);
    await new CommentsRepository(node.mongo).increment(old._id.toHexString(), { flagCount: 1 }, { flagOpen: true });
    const stored = await node.mongo.db!.collection('comments').findOne({ _id: old._id });
    expect(stored?.day).toBe(dayOf(old._id));
    expect(await pageThrough('flagged', 1)).toContain('held 700 days ago');
  });

  test('when a comment is held now, then its day is listed for the pending queue and it leads the queue', async () => {
    const repo = new CommentsRepository(node.mongo);
    const held = await repo.insert({
      siteId: site.siteId,
      pageId: '/now',
      parentId: null,
      depth: 0,
      authorId: 'r1',
      authorName: 'R',
      authorAvatar: null,
      authorGuest: false,
      body: 'held now',
      html: '<p>held now</p>',
      status: 'pending',
      clientNonce: uniqueId('n'),
      createdAt: new Date(),
      modReason: null,
    });
    const day = dayOf(new Types.ObjectId(held.id));
    const listed = await queueDayModel(node.mongo).find({ siteId: site.siteId, day }).lean();
    expect(listed.map((m) => m.kind)).toContain('pending');
    expect((await pageThrough('pending', 1))[0]).toBe('held now');
  });
});
