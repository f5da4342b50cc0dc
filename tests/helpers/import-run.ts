import { Readable } from 'node:stream';
import { ImportService, type ImportInput } from '../../server/src/modules/imports/import.service';
import { ImportWriter } from '../../server/src/modules/imports/import-writer';
import type { ImportReport } from '../../server/src/modules/imports/report';
import type { ImportFormat } from '../../server/src/modules/imports/source';
import { listComments, modToken, type TestNode, type TestSite } from './harness';

/** Runs an import in-process against a test node's store, from file text given as a string. */
export function importText(
  node: TestNode,
  site: TestSite,
  format: ImportFormat,
  text: string,
  opts: Partial<ImportInput> = {},
): Promise<ImportReport> {
  const service = new ImportService({
    writer: new ImportWriter(node.mongo),
    maxDepthOf: async (siteId) => (await node.app.services.sites.get(siteId)).maxDepth,
  });
  const bytes = Buffer.from(text, 'utf8');
  return service.run({
    siteId: site.siteId,
    format,
    // Small chunks, so records straddle chunk boundaries as they do in a real file.
    open: () => Readable.from(chunks(bytes, 4096)),
    totalBytes: bytes.length,
    ...opts,
  });
}

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A listed comment, as the tests read it. */
export interface Listed {
  id: string;
  parentId: string | null;
  depth: number;
  body: string;
  html: string;
  status: string;
  createdAt: string;
  replyCount: number;
  author: { id: string | null; name: string | null; guest: boolean };
  reactions: { like: number };
}

/** Every comment of a page level (following cursors), as anyone (or a moderator) sees it, with the total. */
export async function listAll(
  node: TestNode,
  site: TestSite,
  pageId: string,
  opts: { parentId?: string; moderator?: boolean; sort?: string } = {},
): Promise<{ comments: Listed[]; total: number }> {
  const out: Listed[] = [];
  let cursor: string | null = null;
  let total = 0;
  const token = opts.moderator ? modToken(site) : undefined;
  do {
    const query: Record<string, string | number> = { limit: 100, sort: opts.sort ?? 'oldest' };
    if (opts.parentId) query.parentId = opts.parentId;
    if (cursor) query.cursor = cursor;
    const res = await listComments(node, site, pageId, query, token);
    if (res.status !== 200) throw new Error(`listing failed: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...(res.body.comments as Listed[]));
    total = res.body.total as number;
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return { comments: out, total };
}

/** How many comments of a site are stored, any status. */
export function storedCount(node: TestNode, siteId: string): Promise<number> {
  return node.mongo.collection('comments').countDocuments({ siteId });
}
