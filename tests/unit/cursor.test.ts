import type { SortOrder } from '@parley/protocol';
import { AppError } from '../../server/src/errors';
import { decodeCursor, encodeCursor, type CursorPosition } from '../../server/src/modules/comments/cursor';

const ID = '65a1b2c3d4e5f60718293a4b';
const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

function decodeError(cursor: string, sort: SortOrder): AppError {
  try {
    decodeCursor(cursor, sort);
  } catch (err) {
    return err as AppError;
  }
  throw new Error(`cursor ${JSON.stringify(cursor)} was accepted for ${sort}`);
}

describe('cursor encoding', () => {
  const positions: CursorPosition[] = [
    { sort: 'newest', id: ID },
    { sort: 'oldest', id: ID },
    { sort: 'top', id: ID, likes: 0 },
    { sort: 'top', id: ID, likes: 12345 },
  ];

  test.each(positions)('when $sort position (likes $likes) is encoded, then it decodes to the same position', (pos) => {
    const cursor = encodeCursor(pos);
    expect(decodeCursor(cursor, pos.sort)).toEqual(pos);
  });

  test.each(positions)('when a $sort cursor is encoded, then it is opaque base64url (no ids or JSON in the clear)', (pos) => {
    const cursor = encodeCursor(pos);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
    expect(cursor.length).toBeLessThanOrEqual(200);
  });

  test('when the sort key is encoded, then the cursor carries the sort, the id and (for top) the likes', () => {
    expect(JSON.parse(Buffer.from(encodeCursor({ sort: 'top', id: ID, likes: 7 }), 'base64url').toString('utf8'))).toEqual([
      'top',
      ID,
      7,
    ]);
    expect(JSON.parse(Buffer.from(encodeCursor({ sort: 'newest', id: ID }), 'base64url').toString('utf8'))).toEqual([
      'newest',
      ID,
    ]);
  });
});

describe('cursor validation', () => {
  const junk: [string, string, SortOrder][] = [
    ['empty', '', 'newest'],
    ['not base64url', '!!!!', 'newest'],
    ['standard base64 with padding', Buffer.from(JSON.stringify(['newest', ID])).toString('base64'), 'newest'],
    ['base64url of plain text', b64('hello world'), 'newest'],
    ['base64url of a JSON object', b64({ sort: 'newest', id: ID }), 'newest'],
    ['base64url of an operator object', b64({ $gt: '' }), 'oldest'],
    ['base64url of null', b64(null), 'newest'],
    ['an id that is not an ObjectId', b64(['newest', 'not-an-id']), 'newest'],
    ['an id in upper-case hex', b64(['newest', ID.toUpperCase()]), 'newest'],
    ['an id as an object', b64(['newest', { $ne: null }]), 'newest'],
    ['a cursor of another sort order', encodeCursor({ sort: 'oldest', id: ID }), 'newest'],
    ['a newest cursor used for top', encodeCursor({ sort: 'newest', id: ID }), 'top'],
    ['a top cursor used for oldest', encodeCursor({ sort: 'top', id: ID, likes: 1 }), 'oldest'],
    ['top without likes', b64(['top', ID]), 'top'],
    ['top with negative likes', b64(['top', ID, -1]), 'top'],
    ['top with fractional likes', b64(['top', ID, 1.5]), 'top'],
    ['top with likes as a string', b64(['top', ID, '3']), 'top'],
    ['top with likes as an operator', b64(['top', ID, { $gt: 0 }]), 'top'],
    ['newest with an extra element', b64(['newest', ID, 3]), 'newest'],
    ['top with an extra element', b64(['top', ID, 3, 4]), 'top'],
    ['longer than 200 characters', 'A'.repeat(201), 'newest'],
    ['a truncated cursor', encodeCursor({ sort: 'newest', id: ID }).slice(0, 20), 'newest'],
  ];

  test.each(junk)('when the cursor is %s, then it is refused with 400 bad_request', (_what, cursor, sort) => {
    const err = decodeError(cursor, sort);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('bad_request');
    expect(err.status).toBe(400);
  });
});
