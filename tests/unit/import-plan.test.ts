import { htmlToBody } from '../../server/src/modules/imports/html-text';
import { importedId, movedId } from '../../server/src/modules/imports/ids';
import { ImportPlan } from '../../server/src/modules/imports/plan';
import type { SourceState } from '../../server/src/modules/imports/source';

type Row = [id: string, parent: string | null, state?: SourceState, thread?: string];

function plan(rows: Row[], maxDepth = 3): ImportPlan {
  const p = new ImportPlan();
  for (const [id, parent, state = 'visible', thread = 't'] of rows)
    p.add({ id, parentId: parent, threadKey: thread, state, skip: null, createdAt: new Date(Date.UTC(2020, 0, 1)) });
  p.resolve(maxDepth);
  return p;
}

const where = (p: ImportPlan, id: string) => {
  const n = p.node(p.find(id));
  return {
    kept: n.kept,
    to: n.to >= 0 ? p.node(n.to).id : null,
    depth: n.depth,
    replies: n.replies,
    orphan: n.orphan,
    skip: n.skip,
  };
};

describe('the import plan', () => {
  test.each<[string, Row[], string, Partial<ReturnType<typeof where>>]>([
    [
      'a reply before its parent in the file',
      [
        ['2', '1'],
        ['1', null],
      ],
      '2',
      { to: '1', depth: 1, orphan: null },
    ],
    ['a reply to a missing parent', [['2', '9']], '2', { to: null, depth: 0, orphan: 'parent-missing' }],
    [
      'a reply to spam',
      [
        ['1', null, 'rejected'],
        ['2', '1'],
      ],
      '2',
      { to: null, orphan: 'parent-spam' },
    ],
    [
      'a reply to a pending comment',
      [
        ['1', null, 'pending'],
        ['2', '1'],
      ],
      '2',
      { to: null, orphan: 'parent-pending' },
    ],
    [
      'a reply on another page than its parent',
      [
        ['1', null, 'visible', 'a'],
        ['2', '1', 'visible', 'b'],
      ],
      '2',
      { orphan: 'parent-on-other-page' },
    ],
    [
      'a deleted comment with a reply',
      [
        ['1', null, 'deleted'],
        ['2', '1'],
      ],
      '1',
      { kept: true, replies: 1, skip: null },
    ],
    ['a deleted comment without replies', [['1', null, 'deleted']], '1', { kept: false, skip: 'deleted-without-replies' }],
    [
      'a deleted chain above a reply',
      [
        ['1', null, 'deleted'],
        ['2', '1', 'deleted'],
        ['3', '2'],
      ],
      '1',
      // Depth cap 1: the reply under 2 (at the cap) joins 1's level, so 1 holds it up.
      { kept: true, replies: 1 },
    ],
    [
      'a cycle',
      [
        ['1', '2'],
        ['2', '1'],
      ],
      '1',
      { kept: true },
    ],
    [
      'a reply below the depth cap',
      [
        ['1', null],
        ['2', '1'],
        ['3', '2'],
      ],
      '3',
      { to: '1', depth: 1 },
    ],
  ])('when the file has %s, then it is placed as a native reply would be', (_what, rows, id, expected) => {
    expect(where(plan(rows, 1), id)).toMatchObject(expected);
  });

  test('when a thread is deeper than the cap, then replies at the cap join their parent level and counts follow', () => {
    const p = plan(
      [
        ['a', null],
        ['b', 'a'],
        ['c', 'b'],
        ['d', 'c'],
        ['e', 'd'],
      ],
      2,
    );
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => [where(p, id).to, where(p, id).depth])).toEqual([
      [null, 0],
      ['a', 1],
      ['b', 2],
      ['b', 2],
      ['b', 2],
    ]);
    expect(where(p, 'b').replies).toBe(3);
    expect(where(p, 'c').replies).toBe(0);
  });

  test('when a cycle is met, then one of its comments goes to the top level and the others hang below it', () => {
    const p = plan([
      ['1', '2'],
      ['2', '1'],
    ]);
    const orphans = ['1', '2'].filter((id) => where(p, id).orphan === 'cycle');
    expect(orphans).toHaveLength(1);
  });

  test('when an id repeats, then the plan refuses the second one', () => {
    const p = new ImportPlan();
    const c = { id: '1', parentId: null, threadKey: 't', state: 'visible' as const, skip: null, createdAt: new Date() };
    expect(p.add(c)).toBe(true);
    expect(p.add(c)).toBe(false);
  });
});

describe('imported ids', () => {
  test('when the same source comment is imported twice, then it gets the same id, carrying its date', () => {
    const at = Date.UTC(2013, 4, 5, 6, 7, 8);
    const a = importedId('news', 'disqus', '42', at);
    expect(a.equals(importedId('news', 'disqus', '42', at))).toBe(true);
    expect(a.getTimestamp().getTime()).toBe(at);
    expect(a.equals(importedId('other', 'disqus', '42', at))).toBe(false);
    expect(a.equals(importedId('news', 'wordpress', '42', at))).toBe(false);
  });

  test('when ids move to another site, then their order within a second is kept', () => {
    const ids = ['65a0000012345678000001ff', '65a000001234567800000200', '65a0000012345678000a0000'];
    const moved = ids.map((id) => movedId('copy', id).toHexString());
    expect([...moved].sort()).toEqual(moved);
    expect(moved[0]!.slice(0, 8)).toBe('65a00000');
    expect(moved[0]).not.toBe(ids[0]);
  });
});

describe('htmlToBody', () => {
  test.each([
    ['<p>one</p><p>two</p>', 'one\n\ntwo'],
    ['<p>a<br />b</p>', 'a\nb'],
    ['<p>x &amp; y &lt;z&gt; &quot;q&quot; &#233; &#x263A;</p>', 'x & y <z> "q" é ☺'],
    ['<p><em>e</em> <strong>s</strong> <code>c</code></p>', '*e* **s** `c`'],
    ['<p><a href="https://a.example/?x=1&amp;y=2" rel="nofollow">t</a></p>', '[t](https://a.example/?x=1&y=2)'],
    ['<p><a href="https://a.example">https://a.example</a></p>', 'https://a.example'],
    ['<blockquote><p>quoted</p></blockquote><p>after</p>', '> quoted\n\nafter'],
    ['<ul><li>one</li><li>two</li></ul>', '- one\n- two'],
    ['<p>line\n   wrapped</p>', 'line wrapped'],
  ])('when the HTML is %s, then the body is %j', (html, body) => {
    expect(htmlToBody(html)).toBe(body);
  });
});
