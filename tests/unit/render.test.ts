import { parseDocument } from 'htmlparser2';
import type { ChildNode } from 'domhandler';
import sanitizeHtml from 'sanitize-html';
import { COMMENT_HTML_ALLOW_LIST, charLength, renderBody } from '../../server/src/modules/comments/render';

/** What the SPEC lets through: these tags, these attributes, links only to these schemes. */
const TAGS = new Set(['p', 'br', 'em', 'strong', 'code', 'pre', 'a', 'blockquote', 'ul', 'ol', 'li']);
const ATTRS: Record<string, string[]> = { a: ['href', 'rel', 'target'], ol: ['start'] };
const LINK_REL = 'nofollow ugc noopener noreferrer';

/** Problems found by walking every node of the parsed HTML (entities decoded by the parser). */
function unsafeParts(html: string): string[] {
  const problems: string[] = [];
  const walk = (nodes: ChildNode[]): void => {
    for (const node of nodes) {
      if (node.type === 'comment' || node.type === 'directive' || node.type === 'cdata') problems.push(`${node.type} node`);
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
      if (!TAGS.has(node.name)) problems.push(`<${node.name}>`);
      for (const [name, value] of Object.entries(node.attribs)) {
        if (!(ATTRS[node.name] ?? []).includes(name)) problems.push(`${node.name}[${name}]`);
        // Browsers ignore control characters and whitespace inside a scheme, so do the same before judging it.
        // eslint-disable-next-line no-control-regex -- matching control characters is the point here
        const url = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
        if (name === 'href' && /^[a-z][a-z0-9+.-]*:/.test(url) && !/^(https?|mailto):/.test(url)) problems.push(`href ${value}`);
      }
      if (node.name === 'a' && (node.attribs.rel !== LINK_REL || node.attribs.target !== '_blank'))
        problems.push('link without rel/target');
      walk(node.children);
    }
  };
  walk(parseDocument(html, { decodeEntities: true }).children);
  return problems;
}

// At least 40 vectors: event handlers, script-ish URLs with entity/case/whitespace tricks, data: URLs,
// SVG/MathML namespace tricks, markdown links and autolinks, HTML inside code, unclosed tags.
const VECTORS: string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<img src=x onerror=alert(1)>',
  '<img src=x onerror=alert(1)',
  '"><img src=x onerror=alert(1)>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>x</details>',
  '<p onmouseover="alert(1)">hover</p>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
  '<svg><style><img src=x onerror=alert(1)></style></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '<object data="javascript:alert(1)"></object>',
  '<embed src=javascript:alert(1)>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel=stylesheet href=https://evil.example/x.css>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#1;javascript:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java&#x73;cript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x](  javascript:alert(1)  )',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](data:image/png;base64,iVBORw0KGgo=)',
  '![x](javascript:alert(1))',
  '![x](https://evil.example/track.png)',
  '[x](https://ok.example/" onclick="alert(1))',
  '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '<https://ok.example/?q="onmouseover="alert(1)>',
  'www.ok.example/"onmouseover="alert(1)',
  '`<script>alert(1)</script>`',
  '`<img src=x onerror=alert(1)>`',
  '```\n<svg onload=alert(1)>\n```',
  '    <iframe src=javascript:alert(1)>',
  '*<img src=x onerror=alert(1)>*',
  '> <script>alert(1)</script>',
  '- [x](javascript:alert(1))\n- <svg onload=alert(1)>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>alert(1)</script></template>',
  '<textarea><script>alert(1)</script></textarea>',
  '<xmp><script>alert(1)</script></xmp>',
  '<a href="https://ok.example" target="_self" rel="opener">x</a>',
  '<ol start="1" onclick="alert(1)"><li style="color:red">x</li></ol>',
];

describe('comment HTML sanitizing (XSS table)', () => {
  test('the table has at least 40 vectors', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(VECTORS)('when the body is %j, then the rendered HTML has no executable part', (vector) => {
    const html = renderBody(vector);
    expect(unsafeParts(html)).toEqual([]);
    expect(html).not.toMatch(/<\s*(script|img|svg|math|iframe|style|object|embed)\b/i);
  });

  test.each(VECTORS)('when raw HTML %j reaches the sanitizer itself, then nothing executable survives either', (vector) => {
    expect(unsafeParts(sanitizeHtml(vector, COMMENT_HTML_ALLOW_LIST))).toEqual([]);
  });

  test('when the walker sees an unsafe fragment, then it reports it (the check can fail)', () => {
    expect(unsafeParts('<p onclick="x">a</p>')).toEqual(['p[onclick]']);
    expect(unsafeParts('<a href="jav&#x09;ascript:x" rel="nofollow ugc noopener noreferrer" target="_blank">a</a>')).toHaveLength(
      1,
    );
    expect(unsafeParts('<img src=x>')).toEqual(['<img>', 'img[src]']);
  });
});

describe('markdown subset rendering', () => {
  const link = (href: string, text: string) => `<a href="${href}" rel="${LINK_REL}" target="_blank">${text}</a>`;
  const table: [string, string, string][] = [
    ['emphasis, strong and inline code', 'a *b* **c** `d`', '<p>a <em>b</em> <strong>c</strong> <code>d</code></p>'],
    ['a line break', 'a\nb', '<p>a<br />\nb</p>'],
    ['paragraphs', 'a\n\nb', '<p>a</p>\n<p>b</p>'],
    ['a block quote', '> q', '<blockquote>\n<p>q</p>\n</blockquote>'],
    ['a bullet list', '- a\n- b', '<ul>\n<li>a</li>\n<li>b</li>\n</ul>'],
    ['an ordered list from 3', '3. a', '<ol start="3">\n<li>a</li>\n</ol>'],
    ['a fenced code block with HTML', '```\n<b>x</b>\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>'],
    ['an https link', '[x](https://ok.example/a)', `<p>${link('https://ok.example/a', 'x')}</p>`],
    ['a mailto link', '[m](mailto:a@ok.example)', `<p>${link('mailto:a@ok.example', 'm')}</p>`],
    ['an autolink', '<https://ok.example>', `<p>${link('https://ok.example', 'https://ok.example')}</p>`],
    ['a bare URL (linkify)', 'see https://ok.example now', `<p>see ${link('https://ok.example', 'https://ok.example')} now</p>`],
    ['raw HTML, which stays text', '<b>x</b>', '<p>&lt;b&gt;x&lt;/b&gt;</p>'],
    ['a heading marker, which is not in the subset', '# title', '<p># title</p>'],
    [
      'an image, which is not in the subset',
      '![i](https://ok.example/a.png)',
      `<p>!${link('https://ok.example/a.png', 'i')}</p>`,
    ],
  ];

  test.each(table)('when the body has %s, then the HTML is the expected subset', (_what, body, html) => {
    expect(renderBody(body)).toBe(html);
  });
});

describe('charLength', () => {
  const table: [string, string, number][] = [
    ['empty', '', 0],
    ['ASCII', 'abc', 3],
    ['accented letters', 'ñandú', 5],
    ['an astral emoji', '😀', 1],
    ['emoji between letters', 'a😀b😀', 4],
    ['a combining accent (two code points)', 'e\u0301', 2],
    ['a CJK text', '漢字', 2],
  ];
  test.each(table)('when the text is %s, then it counts code points', (_what, text, n) => {
    expect(charLength(text)).toBe(n);
  });
});
