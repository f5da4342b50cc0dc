import { bearerToken, keyMatches } from '../../server/src/http/admin-auth';

const KEY = 'admin-key-0123456789abcdef';

describe('admin key comparison', () => {
  test.each([
    ['the same key', KEY, true],
    ['the last character changed', `${KEY.slice(0, -1)}X`, false],
    ['a prefix', KEY.slice(0, 5), false],
    ['the key twice', KEY + KEY, false],
    ['an empty string', '', false],
    ['different case', KEY.toUpperCase(), false],
  ])(
    'when the presented key is %s, then it matches: %s (without throwing on a length difference)',
    (_what, presented, expected) => {
      expect(keyMatches(presented, KEY)).toBe(expected);
    },
  );
});

describe('bearerToken', () => {
  test.each([
    [undefined, null],
    ['', null],
    ['Bearer ', null],
    ['Basic abc', null],
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc  ', 'abc'],
    // A malformed credential is still a credential: it must be checked and refused, not ignored.
    ['Bearer abc def', 'abc def'],
  ])('when the header is %j, then the credential is %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
