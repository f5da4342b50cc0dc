import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Connection, Model } from 'mongoose';
import { commentModel, type CommentDoc } from '../comments/comment.model';
import { pageModel, type PageDoc } from '../pages/page.model';
import { EXPORT_HEADER_TYPE, EXPORT_VERSION } from './formats/parley';

/** One comment line of a Parley export. */
export function exportLine(c: CommentDoc): Record<string, unknown> {
  return {
    type: 'comment',
    id: c._id.toHexString(),
    pageId: c.pageId,
    parentId: c.parentId ? c.parentId.toHexString() : null,
    depth: c.depth,
    author: {
      id: c.authorId,
      name: c.authorName,
      avatar: c.authorAvatar ?? null,
      guest: Boolean(c.authorGuest),
      ...(c.authorEmail ? { email: c.authorEmail } : {}),
      ...(c.authorUrl ? { url: c.authorUrl } : {}),
    },
    body: c.body,
    html: c.html,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt ? c.editedAt.toISOString() : null,
    likes: c.likeCount ?? 0,
    clientNonce: c.clientNonce,
    modReason: c.modReason ?? null,
    ...(c.sourceSystem && c.sourceId ? { source: { system: c.sourceSystem, id: c.sourceId } } : {}),
  };
}

/**
 * Writes a site as Parley NDJSON: a header line, its pages, then every
 * comment of every status with its source. Streams from store cursors and
 * waits on the output's backpressure, so memory stays flat whatever the size.
 * Emails are included: the export is an admin's backup, re-importable.
 */
export class ExportService {
  private readonly Comment: Model<CommentDoc>;
  private readonly Page: Model<PageDoc>;
  constructor(conn: Connection) {
    this.Comment = commentModel(conn);
    this.Page = pageModel(conn);
  }

  /** Streams the export into `out` (not ended); resolves with the number of comments written. */
  async write(siteId: string, out: Writable): Promise<number> {
    const put = async (line: Record<string, unknown>) => {
      if (!out.write(`${JSON.stringify(line)}\n`)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      if (out.destroyed) throw new Error('the export was cancelled: the output closed');
    };
    await put({ type: EXPORT_HEADER_TYPE, version: EXPORT_VERSION, siteId, exportedAt: new Date().toISOString() });
    for await (const p of this.Page.find({ siteId }).lean<PageDoc>().cursor({ batchSize: 1000 }))
      await put({
        type: 'page',
        pageId: p.pageId,
        title: p.title ?? null,
        url: p.url ?? null,
        locked: Boolean(p.locked),
        createdAt: p.createdAt.toISOString(),
      });
    let n = 0;
    for await (const c of this.Comment.find({ siteId }).lean<CommentDoc>().cursor({ batchSize: 500 })) {
      await put(exportLine(c));
      n++;
    }
    return n;
  }
}
