import type { CommentStatus } from '@parley/protocol';

/**
 * A comment as the services and domain events see it: plain data with string
 * ids and no store types (the repository maps documents to it; the mapper
 * decides what of it leaves the server).
 */
export interface Comment {
  id: string;
  siteId: string;
  pageId: string;
  parentId: string | null;
  depth: number;
  authorId: string;
  authorName: string;
  authorAvatar: string | null;
  authorGuest: boolean;
  body: string;
  html: string;
  status: CommentStatus;
  clientNonce: string;
  createdAt: Date;
  editedAt: Date | null;
  replyCount: number;
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
