import { backlogOf, overLimit } from '../../server/src/realtime/slow-readers';

const limits = { maxBytes: 1000, maxFrames: 10 };
const conn = (name: string, frames: number, bufferedAmount?: number) => ({
  writeBuffer: new Array<unknown>(frames).fill(0),
  transport: { name, socket: bufferedAmount === undefined ? undefined : { bufferedAmount } },
  close: () => undefined,
});

describe('slow readers: backlog measure and limit', () => {
  test.each([
    ['websocket', 0, 0, false],
    ['websocket', 10, 1000, false],
    ['websocket', 11, 0, true],
    ['websocket', 0, 1001, true],
    ['polling', 11, undefined, true],
    ['polling', 3, undefined, false],
  ] as const)('when a %s connection holds %p frames and %p bytes, then over the limit is %p', (name, frames, bytes, over) => {
    const b = backlogOf(conn(name, frames, bytes));
    expect(b).toEqual({ frames, bytes: bytes ?? 0 });
    expect(overLimit(b, limits)).toBe(over);
  });

  test('when a polling connection has a socket-like object, then its bytes are not counted (only websockets buffer bytes)', () => {
    expect(backlogOf(conn('polling', 0, 5000)).bytes).toBe(0);
  });
});
