import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest();

/**
 * The id of an imported comment: its createdAt in the time bytes (listings
 * sort and page by id, so imported comments sort exactly like native ones)
 * and 8 bytes derived from site, source system and source id, so a re-run
 * computes the same id and the store refuses the second copy.
 */
export function importedId(siteId: string, system: string, sourceId: string, createdAtMs: number): Types.ObjectId {
  const secs = Math.min(0xffffffff, Math.max(0, Math.floor(createdAtMs / 1000)));
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(secs, 0);
  digest(siteId, system, sourceId).copy(bytes, 4, 0, 8);
  return new Types.ObjectId(bytes);
}

/**
 * The id of a comment from another Parley site's export: the original id with
 * bytes 4-6 replaced by the target site's hash. Time and the low bytes
 * (process counter) stay, so comments of the same second keep their order.
 */
export function movedId(siteId: string, exportedId: string): Types.ObjectId {
  const bytes = Buffer.from(exportedId, 'hex');
  digest(siteId).copy(bytes, 4, 0, 3);
  return new Types.ObjectId(bytes);
}

/** The value of the unique `sourceKey` index. */
export function sourceKey(siteId: string, system: string, sourceId: string): string {
  return `${siteId}\u001f${system}\u001f${sourceId}`;
}
