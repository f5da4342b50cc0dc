import { fetchMissed, GAP_MAX_PAGES, isNewer, RecentIds } from '@parley/sdk/gap';
import type { Comment, CommentPage } from '@parley/protocol';

/** A comment with an ObjectId-like id built from a number (so ids order like numbers). */
function comment(n: number, status: Comment['status'] = 'visible'): Comment {
  return {
    id: n.toString(16).padStart(24, '0'),
    siteId: 's',
    pageId: 'p',
    parentId: null,
    depth: 0,
    author: { id: 'u', name: 'U', avatar: null, guest: false },
    body: `c${n}`,
    html: `<p>c${n}</p>`,
    status,
    createdAt: new Date(1_700_000_000_000 + n).toISOString(),
    editedAt: null,
    replyCount: 0,
    reactions: { like: 0 },
  };
}

/** A newest-first listing of `all` in pages of `size`, with cursors being offsets. */
function listing(all: Comment[], size: number) {
  const newest = [...all].sort((a, b) => (a.id < b.id ? 1 : -1));
  const calls: (string | null)[] = [];
  const list = async (cursor: string | null): Promise<CommentPage> => {
    calls.push(cursor);
    const start = cursor ? Number(cursor) : 0;
    const comments = newest.slice(start, start + size);
    return { comments, nextCursor: start + size < newest.length ? String(start + size) : null, total: newest.length };
  };
  return { list, calls };
}

describe('SDK gap filling', () => {
  test('when the known newest id is on the second page, then the walk stops there and returns the newer ones oldest first', async () => {
    const all = Array.from({ length: 10 }, (_, i) => comment(i + 1));
    const { list, calls } = listing(all, 3);
    const missed = await fetchMissed(list, comment(5).id);
    expect(missed.map((c) => c.body)).toEqual(['c6', 'c7', 'c8', 'c9', 'c10']);
    expect(calls).toEqual([null, '3']);
  });

  test('when the known comment was deleted meanwhile, then the walk stops at the first older one', async () => {
    const all = [1, 2, 4, 5].map((n) => comment(n));
    const { list } = listing(all, 10);
    expect((await fetchMissed(list, comment(3).id)).map((c) => c.body)).toEqual(['c4', 'c5']);
  });

  test('when the page was empty before, then everything visible is returned', async () => {
    const all = [comment(1), comment(2, 'deleted'), comment(3), comment(4, 'pending')];
    const { list } = listing(all, 10);
    expect((await fetchMissed(list, null)).map((c) => c.body)).toEqual(['c1', 'c3']);
  });

  test('when more is missing than the walk may read, then it stops after the bounded number of pages', async () => {
    const all = Array.from({ length: 100 }, (_, i) => comment(i + 1));
    const { list, calls } = listing(all, 5);
    const missed = await fetchMissed(list, null);
    expect(calls).toHaveLength(GAP_MAX_PAGES);
    expect(missed.map((c) => c.body)).toEqual(
      Array.from({ length: 5 * GAP_MAX_PAGES }, (_, i) => `c${100 - 5 * GAP_MAX_PAGES + i + 1}`),
    );
  });

  test('when ids are compared, then longer or greater hex means newer and null knows nothing', () => {
    expect(isNewer('0b', '0a')).toBe(true);
    expect(isNewer('0a', '0a')).toBe(false);
    expect(isNewer('100', 'ff')).toBe(true);
    expect(isNewer('00', null)).toBe(true);
  });

  test('when ids are remembered beyond capacity, then the oldest are forgotten first', () => {
    const ids = new RecentIds(2);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
    ids.add('b');
    ids.add('c');
    expect(ids.add('b')).toBe(false);
    expect(ids.add('a')).toBe(true);
  });
});
