import { Types } from 'mongoose';
import type { CommentDoc } from '../comments/comment.model';
import { isObjectId } from '../comments/comments.repository';
import { dayOf } from '../comments/queue-days';
import { renderBody, sanitizeCommentHtml } from '../comments/render';
import { htmlToBody } from './html-text';
import { importedId, movedId, sourceKey } from './ids';
import type { PlanNode } from './plan';
import type { ImportFormat, SourceAuthor, SourceComment, SourceContent } from './source';

/** What maps one source comment to a stored one. */
export interface DocContext {
  siteId: string;
  format: ImportFormat;
  /** A Parley export of this very site: comments keep their ids (a restore). */
  sameSite: boolean;
  authors: ReadonlyMap<string, SourceAuthor>;
}

/** The stored id of a planned comment (its parent's id is found the same way, without the parent's text). */
export function idOf(ctx: DocContext, node: Pick<PlanNode, 'id' | 'time'>): Types.ObjectId {
  if (ctx.format === 'parley' && isObjectId(node.id))
    return ctx.sameSite ? new Types.ObjectId(node.id) : movedId(ctx.siteId, node.id);
  return importedId(ctx.siteId, ctx.format, node.id, node.time);
}

/** Sanitized HTML through the same allow-list as native comments, and a body Parley can render. */
export function textOf(content: SourceContent): { body: string; html: string } {
  if (content.kind === 'markdown') return { body: content.text, html: renderBody(content.text) };
  const html = sanitizeCommentHtml(content.html);
  return { body: content.kind === 'both' ? content.body : htmlToBody(html), html };
}

function authorOf(ctx: DocContext, c: SourceComment): SourceAuthor {
  if (!('ref' in c.author)) return c.author;
  return ctx.authors.get(c.author.ref) ?? { id: `${ctx.format}:${c.author.ref}`, name: 'Anonymous', guest: true, avatar: null };
}

/** The stored document of a kept source comment, placed as the plan says (under `to`, the plan's `node.to`). */
export function toDoc(
  ctx: DocContext,
  c: SourceComment,
  node: PlanNode,
  to: Pick<PlanNode, 'id' | 'time'> | null,
  pageId: string,
): CommentDoc {
  const origin = c.origin ?? { system: ctx.format, id: c.id };
  const author = authorOf(ctx, c);
  const tombstone = node.state === 'deleted';
  const { body, html } = tombstone ? { body: '', html: '' } : textOf(c.content);
  const held = node.state === 'rejected' || node.state === 'pending';
  const _id = idOf(ctx, node);
  return {
    _id,
    siteId: ctx.siteId,
    pageId,
    parentId: to ? idOf(ctx, to) : null,
    depth: node.depth,
    authorId: author.id,
    authorName: author.name || 'Anonymous',
    authorAvatar: author.avatar,
    authorGuest: author.guest,
    body,
    html,
    status: node.state,
    clientNonce: c.clientNonce ?? `import:${origin.system}:${origin.id}`,
    createdAt: c.createdAt,
    editedAt: c.editedAt,
    replyCount: node.replies,
    likeCount: c.likes,
    flagCount: 0,
    flagOpen: false,
    day: dayOf(_id),
    modReason:
      c.modReason !== undefined
        ? c.modReason
        : held
          ? `imported: ${node.state === 'rejected' ? 'spam' : 'pending'} in ${ctx.format}`
          : null,
    sourceSystem: origin.system,
    sourceId: origin.id,
    sourceKey: sourceKey(ctx.siteId, origin.system, origin.id),
    ...(author.email ? { authorEmail: author.email } : {}),
    ...(author.url ? { authorUrl: author.url } : {}),
  };
}
