import type { Comment as PublicComment, ReactionType } from '@parley/protocol';
import type { Comment } from './comment';

/** What the mapper may add for one viewer. */
export interface MapOptions {
  /** Reactions of the signed-in viewer; omit for room broadcasts (same bytes for every reader). */
  reacted?: string[];
  /** Moderators also see why a comment is held and its flags. */
  moderator?: boolean;
  flagReasons?: string[];
}

/** The public comment JSON; the only shape of a comment that leaves the server. */
export function toPublicComment(c: Comment, opts: MapOptions = {}): PublicComment {
  const tombstone = c.status === 'deleted';
  const out: PublicComment = {
    id: c.id,
    siteId: c.siteId,
    pageId: c.pageId,
    parentId: c.parentId,
    depth: c.depth,
    author: tombstone
      ? { id: null, name: null, avatar: null, guest: false }
      : { id: c.authorId, name: c.authorName, avatar: c.authorAvatar, guest: c.authorGuest },
    body: tombstone ? '' : c.body,
    html: tombstone ? '' : c.html,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt ? c.editedAt.toISOString() : null,
    replyCount: c.replyCount,
    reactions: { like: Math.max(0, c.likeCount) },
  };
  if (opts.reacted) out.viewer = { reacted: opts.reacted.filter((r): r is ReactionType => r === 'like') };
  if (opts.moderator && !tombstone) {
    out.moderation = {
      reason: c.modReason,
      flagCount: c.flagCount,
      ...(c.shadow ? { shadow: true } : {}),
      ...(opts.flagReasons ? { flagReasons: opts.flagReasons } : {}),
    };
  }
  return out;
}
