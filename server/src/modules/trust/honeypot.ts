import { Types } from 'mongoose';
import type { Principal } from '../auth/principal';
import { authorFields, type Comment } from '../comments/comment';
import type { PostInput } from '../comments/comments.schemas';
import { renderBody } from '../comments/render';

/**
 * What a post that filled the widget's hidden honeypot field gets back: the
 * answer of a post held for moderation (`202`, status `pending`, a fresh id),
 * so a bot learns nothing — while nothing is stored, counted, broadcast or
 * shown to moderators. People never see the field, so none of them get this.
 */
export function honeypotGhost(siteId: string, pageId: string, p: Principal, input: PostInput): Comment {
  return {
    id: new Types.ObjectId().toHexString(),
    siteId,
    pageId,
    parentId: input.parentId ?? null,
    depth: 0,
    ...authorFields(p),
    body: input.body,
    html: renderBody(input.body),
    status: 'pending',
    clientNonce: input.clientNonce ?? 'honeypot',
    createdAt: new Date(),
    editedAt: null,
    replyCount: 0,
    likeCount: 0,
    flagCount: 0,
    flagOpen: false,
    modReason: null,
    shadow: false,
    statusAt: null,
  };
}
