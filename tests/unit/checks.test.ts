import {
  POST_CHECKS,
  WRITE_CHECKS,
  blockedWords,
  findBlockedWord,
  guestsAllowed,
  moderationMode,
  notBanned,
  pageOpen,
  runChecks,
  type CheckInput,
  type Verdict,
} from '../../server/src/modules/comments/checks';

type Overrides = {
  site?: Partial<CheckInput['site']>;
  author?: Partial<CheckInput['author']>;
  page?: Partial<CheckInput['page']>;
  body?: string;
};

/** A check input for an ordinary signed-in reader on an open, post-moderated page. */
function buildInput(o: Overrides = {}): CheckInput {
  return {
    site: { moderation: 'post', guests: true, blockedWords: [], ...o.site },
    author: { guest: false, moderator: false, banned: false, trusted: true, ...o.author },
    page: { locked: false, ...o.page },
    body: o.body ?? 'a fine comment',
  };
}

/** A verdict reduced to what a test compares: kind plus error code/status or hold reason. */
function summary(v: Verdict): string {
  if (v.kind === 'refuse') return `refuse ${v.error.code} ${v.error.status}`;
  if (v.kind === 'hold') return `hold ${v.reason}`;
  return 'pass';
}

describe('findBlockedWord', () => {
  const table: [string, string, string[], string | null][] = [
    ['no words configured', 'anything at all', [], null],
    ['a whole word', 'buy cheap pills now', ['pills'], 'pills'],
    ['a different case', 'Buy CHEAP Pills', ['cheap'], 'cheap'],
    ['the word inside a longer word', 'classic assessment', ['ass'], null],
    ['the word at the start', 'spam here', ['spam'], 'spam'],
    ['the word at the end, before punctuation', 'this is spam!', ['spam'], 'spam'],
    ['the word next to digits', 'spam2000', ['spam'], null],
    ['accented letters as word characters', 'überspam', ['spam'], null],
    ['an accented word', 'Ärger und Über!', ['über'], 'über'],
    ['regex characters in the word', 'I write c++ daily', ['c++'], 'c++'],
    ['a regex-looking word that must not act as a pattern', 'aaa', ['a.*'], null],
    ['a phrase with a space', 'free money here', ['free money'], 'free money'],
    ['blank words in the list', 'hello', ['  ', ''], null],
    ['padded words in the list', 'say hello', ['  hello  '], 'hello'],
    ['several matches (the first listed wins)', 'beta alpha', ['alpha', 'beta'], 'alpha'],
    ['the word on its own line', 'ok\nspam\nok', ['spam'], 'spam'],
  ];
  test.each(table)('when the text has %s, then the result is as listed', (_what, text, words, expected) => {
    expect(findBlockedWord(text, words)).toBe(expected);
  });
});

describe('publication checks', () => {
  const table: [string, CheckInput, string][] = [
    ['guest on a site that allows guests', buildInput({ author: { guest: true } }), 'pass'],
    ['guest on a site without guests', buildInput({ site: { guests: false }, author: { guest: true } }), 'refuse forbidden 403'],
    ['banned author', buildInput({ author: { banned: true } }), 'refuse banned 403'],
    ['locked page, reader', buildInput({ page: { locked: true } }), 'refuse locked 423'],
    ['locked page, moderator', buildInput({ page: { locked: true }, author: { moderator: true } }), 'pass'],
    [
      'blocked word, reader',
      buildInput({ site: { blockedWords: ['spam'] }, body: 'spam!' }),
      'hold contains a blocked word ("spam")',
    ],
    [
      'blocked word, moderator',
      buildInput({ site: { blockedWords: ['spam'] }, author: { moderator: true }, body: 'spam!' }),
      'pass',
    ],
    ['pre-moderated site, reader', buildInput({ site: { moderation: 'pre' } }), 'hold pre-moderation'],
    ['pre-moderated site, moderator', buildInput({ site: { moderation: 'pre' }, author: { moderator: true } }), 'pass'],
    [
      'first-comment moderation, untrusted reader',
      buildInput({ site: { moderation: 'first' }, author: { trusted: false } }),
      'hold first comment of this author',
    ],
    [
      'first-comment moderation, trusted reader',
      buildInput({ site: { moderation: 'first' }, author: { trusted: true } }),
      'pass',
    ],
    ['post-moderated site, untrusted reader', buildInput({ author: { trusted: false } }), 'pass'],
    [
      'banned guest on a site without guests (guest rule first)',
      buildInput({ site: { guests: false }, author: { guest: true, banned: true } }),
      'refuse forbidden 403',
    ],
    [
      'banned author on a locked page (ban first)',
      buildInput({ author: { banned: true }, page: { locked: true } }),
      'refuse banned 403',
    ],
    [
      'locked page with a blocked word (refusal beats hold)',
      buildInput({ page: { locked: true }, site: { blockedWords: ['spam'] }, body: 'spam' }),
      'refuse locked 423',
    ],
    [
      'blocked word on a pre-moderated site (the word is the reason)',
      buildInput({ site: { moderation: 'pre', blockedWords: ['spam'] }, body: 'spam' }),
      'hold contains a blocked word ("spam")',
    ],
  ];
  test.each(table)('when posting as a %s, then the verdict is as listed', (_what, input, expected) => {
    expect(summary(runChecks(POST_CHECKS, input))).toBe(expected);
  });

  test('when editing, reacting or flagging, then only guest, ban and lock rules apply (no holds)', () => {
    const holdsOnPost = buildInput({
      site: { moderation: 'pre', blockedWords: ['spam'] },
      author: { trusted: false },
      body: 'spam',
    });
    expect(summary(runChecks(WRITE_CHECKS, holdsOnPost))).toBe('pass');
    expect(summary(runChecks(WRITE_CHECKS, buildInput({ page: { locked: true } })))).toBe('refuse locked 423');
  });

  test('when each check is run alone on a clean input, then each passes', () => {
    for (const check of [guestsAllowed, notBanned, pageOpen, blockedWords, moderationMode])
      expect(check(buildInput())).toEqual({ kind: 'pass' });
  });

  test('when no checks are given, then the verdict is pass', () => {
    expect(runChecks([], buildInput({ author: { banned: true } }))).toEqual({ kind: 'pass' });
  });
});
