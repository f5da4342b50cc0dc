import { createHash } from 'node:crypto';
import { clean, parseDate, urlPath, type ReaderOptions, type SourceItem, type SourceState, type SkipReason } from '../source';
import { childText, xmlRecords, type XmlNode } from '../xml-records';

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** WordPress stores plain text with line breaks and shows it through `wpautop`; so do we, before sanitizing. */
export function autoParagraphs(text: string): string {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (/<(p|div|blockquote|ul|ol|pre)[\s>]/i.test(trimmed)) return trimmed;
  return trimmed
    .split(/\n\s*\n/)
    .map((para) => `<p>${para.replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

function status(approved: string | null, spam: ReaderOptions['spam']): { state: SourceState; skip: SkipReason | null } {
  if (approved === '1') return { state: 'visible', skip: null };
  if (approved === 'spam' || approved === 'trash')
    return { state: 'rejected', skip: spam === 'skip' ? (approved === 'spam' ? 'spam' : 'trash') : null };
  return { state: 'pending', skip: null };
}

function typeSkip(type: string | null): SkipReason | null {
  if (!type || type === 'comment') return null;
  if (type === 'pingback' || type === 'trackback') return type;
  return 'other-type';
}

/** WordPress's `YYYY-MM-DD HH:MM:SS` in UTC (the `_gmt` field), or the local date as a fallback. */
function wpDate(c: XmlNode): Date | null {
  for (const field of ['wp:comment_date_gmt', 'wp:comment_date']) {
    const value = childText(c, field);
    if (value && !value.startsWith('0000')) {
      const d = parseDate(value.replace(' ', 'T') + (field.endsWith('_gmt') ? 'Z' : ''));
      if (d) return d;
    }
  }
  return null;
}

function* itemComments(item: XmlNode, threadKey: string, opts: ReaderOptions): Generator<SourceItem> {
  for (const c of item.children) {
    if (c.name !== 'wp:comment') continue;
    const position = { line: c.line, column: c.column };
    const id = childText(c, 'wp:comment_id');
    const createdAt = wpDate(c);
    if (!id || !createdAt) {
      yield { kind: 'problem', message: `wp:comment without ${id ? 'a readable date' : 'wp:comment_id'}`, position };
      continue;
    }
    const name = clean(childText(c, 'wp:comment_author') ?? 'Anonymous').slice(0, 64);
    const email = childText(c, 'wp:comment_author_email');
    const url = childText(c, 'wp:comment_author_url');
    const userId = childText(c, 'wp:comment_user_id');
    const registered = Boolean(userId && userId !== '0');
    const { state, skip } = status(childText(c, 'wp:comment_approved'), opts.spam);
    const parent = childText(c, 'wp:comment_parent');
    yield {
      kind: 'comment',
      id,
      threadKey,
      parentId: parent && parent !== '0' ? parent : null,
      createdAt,
      editedAt: null,
      author: {
        id: registered ? `wordpress:${userId}` : `wordpress-guest:${short(email ?? name)}`,
        name: name || 'Anonymous',
        guest: !registered,
        avatar: null,
        ...(email ? { email: clean(email) } : {}),
        ...(url ? { url: clean(url) } : {}),
      },
      content: { kind: 'html', html: autoParagraphs(clean(childText(c, 'wp:comment_content') ?? '')) },
      state,
      skip: typeSkip(childText(c, 'wp:comment_type')) ?? skip,
      likes: 0,
      position,
    };
  }
}

/** Reads a WordPress WXR export, streaming one `<item>` (a post with its comments) at a time. */
export async function* readWordpress(input: AsyncIterable<Buffer | string>, opts: ReaderOptions): AsyncGenerator<SourceItem> {
  const records = xmlRecords(input, {
    root: 'rss',
    formatName: 'WordPress (WXR)',
    isRecord: (p) => p.length === 3 && p[1] === 'channel' && p[2] === 'item',
  });
  for await (const item of records) {
    const link = childText(item, 'link');
    const key = childText(item, 'wp:post_id') ?? link ?? `line-${item.line}`;
    yield {
      kind: 'thread',
      key,
      pageId: urlPath(link) ?? `wordpress-post-${key}`,
      title: childText(item, 'title'),
      url: link,
      locked: false,
    };
    yield* itemComments(item, key, opts);
  }
}
