import type { SortOrder } from '@parley/protocol';
import { errors } from '../../errors';

/** Position after the last item of a page: the sort key and the id that breaks ties. */
export interface CursorPosition {
  sort: SortOrder;
  id: string;
  /** Like count of the last item (sort `top` only). */
  likes?: number;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** Encodes a position as an opaque base64url string. */
export function encodeCursor(pos: CursorPosition): string {
  const raw = pos.sort === 'top' ? [pos.sort, pos.id, pos.likes ?? 0] : [pos.sort, pos.id];
  return Buffer.from(JSON.stringify(raw), 'utf8').toString('base64url');
}

/** Decodes and validates a cursor for the given sort; junk and mismatches are `400 bad_request`. */
export function decodeCursor(cursor: string, sort: SortOrder): CursorPosition {
  const bad = errors.badRequest('cursor: invalid or from another sort order');
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (!Array.isArray(raw) || raw[0] !== sort || typeof raw[1] !== 'string' || !OBJECT_ID.test(raw[1])) throw bad;
  if (sort === 'top') {
    if (raw.length !== 3 || !Number.isSafeInteger(raw[2]) || (raw[2] as number) < 0) throw bad;
    return { sort, id: raw[1], likes: raw[2] as number };
  }
  if (raw.length !== 2) throw bad;
  return { sort, id: raw[1] };
}
