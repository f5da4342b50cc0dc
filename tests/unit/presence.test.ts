import { sumFresh } from '../../server/src/realtime/presence';

const NOW = 1_800_000_000_000;

describe('sumFresh: the presence total of the node entries in Redis', () => {
  test.each([
    ['no entries', {}, undefined, 0],
    ['one fresh node', { a: `3|${NOW - 1000}` }, undefined, 3],
    ['two fresh nodes', { a: `3|${NOW - 1000}`, b: `4|${NOW}` }, undefined, 7],
    ['a node that stopped refreshing long ago', { a: `3|${NOW - 1000}`, b: `9|${NOW - 66_000}` }, undefined, 3],
    ['an entry just inside the stale limit', { a: `2|${NOW - 64_999}` }, undefined, 2],
    ['malformed entries', { a: 'x|y', b: '5', c: '', d: `1|${NOW}` }, undefined, 1],
    ['this node left out', { me: `5|${NOW}`, b: `4|${NOW}` }, 'me', 4],
    ['only this node', { me: `5|${NOW}` }, 'me', 0],
  ])(
    'when the hash holds %s, then the total counts only fresh, well-formed entries of the other nodes',
    (_what, entries, except, total) => {
      expect(sumFresh(entries as Record<string, string>, NOW, except)).toBe(total);
    },
  );
});
