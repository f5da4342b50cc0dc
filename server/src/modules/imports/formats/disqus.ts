import { createHash } from 'node:crypto';
import {
  avatarUrl,
  clean,
  parseDate,
  urlPath,
  validPageId,
  type ReaderOptions,
  type SourceAuthor,
  type SourceItem,
  type SourceState,
} from '../source';
import { child, childText, xmlRecords, type XmlNode } from '../xml-records';

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The page of a Disqus thread: its link path or identifier as asked, the other when that is empty, never lost. */
function threadPageId(t: XmlNode, dsqId: string, from: ReaderOptions['pageIdFrom']): string {
  const link = urlPath(childText(t, 'link'));
  const identifier = childText(t, 'id');
  const byIdentifier = validPageId(identifier) ? identifier : null;
  const first = from === 'identifier' ? (byIdentifier ?? link) : (link ?? byIdentifier);
  return first ?? `disqus-thread-${dsqId}`;
}

function author(post: XmlNode): SourceAuthor {
  const a = child(post, 'author');
  const name = (a && childText(a, 'name')) || (a && childText(a, 'username')) || 'Anonymous';
  const username = a ? childText(a, 'username') : null;
  const email = a ? childText(a, 'email') : null;
  const anonymous = !username || (a ? childText(a, 'isAnonymous') === 'true' : true);
  return {
    id: anonymous ? `disqus-guest:${short(email ?? name)}` : `disqus:${username}`,
    name: clean(name).slice(0, 64),
    guest: anonymous,
    avatar: avatarUrl(a ? childText(a, 'avatar') : null),
    ...(email ? { email: clean(email) } : {}),
  };
}

function state(post: XmlNode): SourceState {
  if (childText(post, 'isDeleted') === 'true') return 'deleted';
  if (childText(post, 'isSpam') === 'true') return 'rejected';
  if (childText(post, 'isApproved') === 'false') return 'pending';
  return 'visible';
}

/**
 * Reads a Disqus export (`<disqus>` with `<thread dsq:id>` and `<post dsq:id>`
 * elements), streaming: threads become pages, posts comments.
 */
export async function* readDisqus(input: AsyncIterable<Buffer | string>, opts: ReaderOptions): AsyncGenerator<SourceItem> {
  const records = xmlRecords(input, {
    root: 'disqus',
    formatName: 'Disqus',
    isRecord: (p) => p.length === 2 && (p[1] === 'thread' || p[1] === 'post'),
  });
  for await (const node of records) {
    const position = { line: node.line, column: node.column };
    const dsqId = node.attrs['dsq:id']?.trim();
    if (!dsqId) {
      yield { kind: 'problem', message: `<${node.name}> without dsq:id`, position };
      continue;
    }
    if (node.name === 'thread') {
      yield {
        kind: 'thread',
        key: dsqId,
        pageId: threadPageId(node, dsqId, opts.pageIdFrom),
        title: childText(node, 'title'),
        url: childText(node, 'link'),
        // A closed Disqus thread is not locked here: whether old pages take new comments is the site's call.
        locked: false,
      };
      continue;
    }
    const threadKey = child(node, 'thread')?.attrs['dsq:id']?.trim();
    const createdAt = parseDate(childText(node, 'createdAt'));
    if (!threadKey || !createdAt) {
      yield {
        kind: 'problem',
        message: `post ${dsqId} has no ${threadKey ? 'readable <createdAt>' : '<thread dsq:id>'}`,
        position,
      };
      continue;
    }
    const st = state(node);
    yield {
      kind: 'comment',
      id: dsqId,
      threadKey,
      parentId: child(node, 'parent')?.attrs['dsq:id']?.trim() || null,
      createdAt,
      editedAt: null,
      author: author(node),
      content: { kind: 'html', html: clean(child(node, 'message')?.text ?? '') },
      state: st,
      skip: st === 'rejected' && opts.spam === 'skip' ? 'spam' : null,
      likes: Math.max(0, Number(childText(node, 'likes') ?? 0) || 0),
      position,
    };
  }
}
