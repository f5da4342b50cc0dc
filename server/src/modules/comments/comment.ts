import type { Comment as PublicComment } from '@parley/protocol';
import type { Principal } from '../auth/principal';

/** The reader who wrote a comment, as stored with it. */
export interface CommentAuthor {
  authorId: string;
  authorName: string;
  authorAvatar: string | null;
  authorGuest: boolean;
}

/** The author fields of a comment written by `p`. */
export function authorFields(p: Principal): CommentAuthor {
  return { authorId: p.userId, authorName: p.name, authorAvatar: p.avatar, authorGuest: p.guest };
}

/**
 * A comment as the services and domain events see it: plain data with string
 * ids and no store types (the repository maps documents to it; the mapper
 * decides what of it leaves the server). The fields it shares with the wire
 * Comment mean the same there.
 */
export interface Comment
  extends
    Pick<PublicComment, 'id' | 'siteId' | 'pageId' | 'parentId' | 'depth' | 'body' | 'html' | 'status' | 'replyCount'>,
    CommentAuthor {
  clientNonce: string;
  createdAt: Date;
  editedAt: Date | null;
  likeCount: number;
  flagCount: number;
  /** True while flags wait for a moderator; cleared by approve, reject or delete. */
  flagOpen: boolean;
  modReason: string | null;
  /** Written under a shadow ban: shown to its author and moderators only. */
  shadow: boolean;
  /** When the status last changed (retention of rejected and deleted bodies counts from here). */
  statusAt: Date | null;
}

/** Whether everyone may see a comment: visible and not written under a shadow ban. */
export function isPublic(c: Pick<Comment, 'status' | 'shadow'>): boolean {
  return c.status === 'visible' && !c.shadow;
}
