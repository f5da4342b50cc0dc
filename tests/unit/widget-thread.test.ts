import type { Comment } from '@parley/protocol';
import { en, fmt } from '@parley/sdk/widget/texts';
import { arrivalOf, merge, placeWaiting, visibleDelta, WaitingQueue, type ArrivalState } from '@parley/sdk/widget/thread-logic';

/** A comment created `n` seconds after a fixed instant, with overrides. */
function buildComment(n: number, overrides: Partial<Comment> = {}): Comment {
  return {
    id: `c${n}`,
    siteId: 's',
    pageId: 'p',
    parentId: null,
    depth: 0,
    author: { id: 'someone', name: 'Someone', avatar: null, guest: false },
    body: `body ${n}`,
    html: `<p>body ${n}</p>`,
    status: 'visible',
    createdAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    editedAt: null,
    replyCount: 0,
    reactions: { like: 0 },
    ...overrides,
  };
}

const settled: ArrivalState = {
  page: 'p',
  known: false,
  waiting: false,
  ownPostInFlight: false,
  parentShown: false,
  empty: false,
};

describe('merge', () => {
  it('when a room broadcast (no viewer) updates a shown comment, then the reader keeps their own reactions', () => {
    const shown = buildComment(1, { viewer: { reacted: ['like'] }, reactions: { like: 1 } });
    const merged = merge(shown, buildComment(1, { body: 'edited', reactions: { like: 2 } }));
    expect(merged).toMatchObject({ body: 'edited', reactions: { like: 2 }, viewer: { reacted: ['like'] } });
  });

  it('when the newer version carries the viewer, then it wins', () => {
    const shown = buildComment(1, { viewer: { reacted: ['like'] } });
    expect(merge(shown, buildComment(1, { viewer: { reacted: [] } })).viewer).toEqual({ reacted: [] });
  });
});

describe('visibleDelta', () => {
  it.each([
    ['pending', 'visible', 1],
    ['visible', 'rejected', -1],
    ['visible', 'deleted', -1],
    ['pending', 'rejected', 0],
    ['visible', 'visible', 0],
  ] as const)('when a comment goes from %s to %s, then the count moves by %i', (from, to, delta) => {
    expect(visibleDelta(from, to)).toBe(delta);
  });
});

describe('arrivalOf', () => {
  it.each<[string, ReturnType<typeof arrivalOf>, Comment, Partial<ArrivalState>]>([
    ['a comment of another page', 'ignore', buildComment(1, { pageId: 'other' }), { known: true }],
    ['a comment already shown (dedupe: updated in place)', 'update', buildComment(1), { known: true }],
    ['a comment already waiting (dedupe)', 'ignore', buildComment(1), { waiting: true }],
    ['the reader’s own comment while their post is in flight', 'early', buildComment(1), { ownPostInFlight: true }],
    ['a reply under a shown parent', 'reply', buildComment(2, { parentId: 'c1' }), { parentShown: true }],
    ['a reply whose parent is not shown', 'unseen-reply', buildComment(2, { parentId: 'c1' }), {}],
    ['a top-level comment on an empty thread', 'show', buildComment(1), { empty: true }],
    ['a top-level comment while others are shown', 'queue', buildComment(1), {}],
  ])('when %s arrives, then it is "%s"', (_what, expected, c, state) => {
    expect(arrivalOf(c, { ...settled, ...state })).toBe(expected);
  });
});

describe('WaitingQueue', () => {
  it('when the same comment arrives twice, then it waits once and "N new" counts it once', () => {
    const q = new WaitingQueue();
    expect(q.add(buildComment(1))).toBe(true);
    expect(q.add(buildComment(2))).toBe(true);
    expect(q.add(buildComment(1))).toBe(false);
    expect(q.size).toBe(2);
    expect(fmt(en.newComments, { n: q.size }, en.locale)).toBe('2 new comments — show');
  });

  it('when a waiting comment changes or is deleted, then the queue follows', () => {
    const q = new WaitingQueue();
    q.add(buildComment(1));
    q.add(buildComment(2));
    q.update(buildComment(1, { body: 'edited' }));
    expect(q.remove('c2')).toBe(true);
    expect(q.remove('c2')).toBe(false);
    expect(q.drain().map((c) => c.body)).toEqual(['edited']);
    expect(q.size).toBe(0);
  });

  it('when drained, then comments come oldest first whatever their arrival order', () => {
    const q = new WaitingQueue();
    for (const n of [3, 1, 2]) q.add(buildComment(n));
    expect(q.drain().map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(q.has('c1')).toBe(false);
  });
});

describe('placeWaiting', () => {
  const oldestFirst = [buildComment(1), buildComment(2), buildComment(3)];

  it('when sorted newest, then each goes to the start (the newest ends on top) and the newest takes the focus', () => {
    const p = placeWaiting(oldestFirst, 'newest', true);
    expect(p.at).toBe('start');
    expect(p.comments.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(p.comments[p.focus]!.id).toBe('c3');
  });

  it.each(['oldest', 'top'] as const)(
    'when sorted %s with every page loaded, then they go to the end, the first focused',
    (sort) => {
      const p = placeWaiting(oldestFirst, sort, false);
      expect(p).toMatchObject({ at: 'end', focus: 0 });
      expect(p.comments.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    },
  );

  it.each(['oldest', 'top'] as const)(
    'when sorted %s while pages remain, then none is placed (they come with "load more")',
    (sort) => {
      expect(placeWaiting(oldestFirst, sort, true).comments).toEqual([]);
    },
  );
});
