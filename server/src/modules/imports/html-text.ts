const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const MARKS: Record<string, string> = { em: '*', strong: '**', code: '`' };

/**
 * The body of an imported HTML comment: its sanitized HTML written back as the
 * markdown subset Parley renders (paragraphs, line breaks, emphasis, code,
 * links, quotes, list items), entities decoded. Input is sanitize-html output
 * (allow-listed tags only), so a tag scanner is enough. Pure.
 */
export function htmlToBody(html: string): string {
  let out = '';
  const links: { href: string; start: number }[] = [];
  const quotes: number[] = [];
  const newline = (n: number) => {
    out = out.replace(/[ \t]+$/, '');
    const have = /\n*$/.exec(out)![0].length;
    if (out.length) out += '\n'.repeat(Math.max(0, n - have));
  };
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)([^>]*)>|([^<]+)/gi)) {
    const [, closing, rawTag, attrs, text] = m;
    if (text !== undefined) {
      const words = decode(text).replace(/\s*\n\s*/g, ' ');
      // Source line breaks are not breaks in HTML; at the start of a line they are nothing.
      out += /(^|\n)$/.test(out) ? words.trimStart() : words;
      continue;
    }
    const tag = rawTag!.toLowerCase();
    if (tag === 'br') newline(1);
    else if (tag === 'p' || tag === 'pre' || tag === 'ul' || tag === 'ol') newline(2);
    else if (tag === 'blockquote') {
      newline(2);
      if (!closing) quotes.push(out.length);
      else if (quotes.length) {
        const start = quotes.pop()!;
        const quoted = out.slice(start).trim().split('\n');
        out = `${out.slice(0, start)}${quoted.map((l) => (l ? `> ${l}` : '>')).join('\n')}`;
        newline(2);
      }
    } else if (tag === 'li' && !closing) {
      newline(1);
      out += '- ';
    } else if (MARKS[tag]) out += MARKS[tag];
    else if (tag === 'a') {
      if (!closing) {
        links.push({ href: decode(/href="([^"]*)"/.exec(attrs ?? '')?.[1] ?? ''), start: out.length });
      } else {
        const { href, start } = links.pop() ?? { href: '', start: out.length };
        const label = out.slice(start);
        if (href && label !== href) out = `${out.slice(0, start)}[${label}](${href})`;
      }
    }
  }
  return out
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
