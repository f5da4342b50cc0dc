import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';

/**
 * A top-level comment document as the store holds it, written straight into
 * the store by a test: its id dated `daysAgo` back (minus `offsetMs`), no
 * `day` field (as a database from before comments carried their day) unless
 * the test adds one.
 */
export function storedComment(
  siteId: string,
  daysAgo: number,
  over: { body?: string; pageId?: string; status?: 'pending' | 'visible'; flagOpen?: boolean; offsetMs?: number } = {},
) {
  const _id = Types.ObjectId.createFromTime(Math.floor((Date.now() - daysAgo * 86_400_000 - (over.offsetMs ?? 0)) / 1000));
  const body = over.body ?? `${daysAgo} days ago`;
  const flagOpen = over.flagOpen ?? false;
  return {
    _id,
    siteId,
    pageId: over.pageId ?? '/old',
    parentId: null,
    depth: 0,
    authorId: 'old-reader',
    authorName: 'Old Reader',
    authorAvatar: null,
    authorGuest: false,
    body,
    html: `<p>${body}</p>`,
    status: over.status ?? 'visible',
    clientNonce: randomUUID(),
    createdAt: _id.getTimestamp(),
    editedAt: null,
    replyCount: 0,
    likeCount: 0,
    flagCount: flagOpen ? 1 : 0,
    flagOpen,
    modReason: null,
  };
}
