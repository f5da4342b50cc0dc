import { Readable, pipeline } from 'node:stream';
import Pick from 'stream-json/filters/Pick';
import StreamValues from 'stream-json/streamers/StreamValues';
import { ImportFormatError, avatarUrl, clean, parseDate, urlPath, type ReaderOptions, type SourceItem } from '../source';

type Json = Record<string, unknown>;
const s = (o: Json, key: string): string | null => (typeof o[key] === 'string' ? (o[key] as string) : null);

/** Commento's `url` is the page path (sometimes with the domain in front). */
function pagePath(url: string): string | null {
  return url.startsWith('/') ? urlPath(url) : urlPath(`https://${url}`);
}

/**
 * Reads a Commento JSON export (`{ version, comments: [...], commenters: [...] }`)
 * streaming with stream-json: one comment or commenter object in memory at a
 * time, whatever the file size. Commenters come out as author entries that the
 * comments point to (the import resolves them after its first pass).
 */
export async function* readCommento(input: AsyncIterable<Buffer | string>, opts: ReaderOptions): AsyncGenerator<SourceItem> {
  let bytes = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of input) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  const values = StreamValues.streamValues();
  pipeline(counted, Pick.withParser({ filter: /^(comments|commenters)\.\d+$/ }), values, () => undefined);
  const threads = new Set<string>();
  const n = { comments: 0, commenters: 0, seen: 0 };
  try {
    for await (const item of values as AsyncIterable<{ value: unknown }>) {
      n.seen++;
      const o = item.value;
      if (!o || typeof o !== 'object') continue;
      const v = o as Json;
      if (s(v, 'commentHex') === null) {
        const hex = s(v, 'commenterHex');
        n.commenters++;
        if (hex)
          yield {
            kind: 'author',
            key: hex,
            author: {
              id: `commento:${hex}`,
              name: clean(s(v, 'name') ?? 'Anonymous').slice(0, 64) || 'Anonymous',
              guest: false,
              avatar: avatarUrl(s(v, 'photo')),
              ...(s(v, 'email') ? { email: clean(s(v, 'email')!) } : {}),
              ...(s(v, 'link') && s(v, 'link') !== 'undefined' ? { url: clean(s(v, 'link')!) } : {}),
            },
          };
        continue;
      }
      const position = { path: `comments[${n.comments++}]` };
      yield* comment(v, position, threads, opts);
    }
  } catch (err) {
    if (err instanceof ImportFormatError) throw err;
    throw new ImportFormatError(`this is not a Commento JSON export: ${(err as Error).message}`, { offset: bytes });
  }
  if (n.seen === 0)
    throw new ImportFormatError('no comments or commenters found: expected a Commento JSON export', { offset: bytes });
}

function* comment(v: Json, position: { path: string }, threads: Set<string>, opts: ReaderOptions): Generator<SourceItem> {
  const id = s(v, 'commentHex')!;
  const url = s(v, 'url');
  const createdAt = parseDate(s(v, 'creationDate'));
  if (!url || !createdAt) {
    yield { kind: 'problem', message: `comment ${id} has no ${url ? 'readable creationDate' : 'url'}`, position };
    return;
  }
  if (!threads.has(url)) {
    threads.add(url);
    yield { kind: 'thread', key: url, pageId: pagePath(url) ?? `commento-${threads.size}`, title: null, url, locked: false };
  }
  const commenter = s(v, 'commenterHex');
  const state = s(v, 'state');
  const parent = s(v, 'parentHex');
  const rejected = state === 'flagged';
  yield {
    kind: 'comment',
    id,
    threadKey: url,
    parentId: parent && parent !== 'root' ? parent : null,
    createdAt,
    editedAt: null,
    author:
      commenter && commenter !== 'anonymous'
        ? { ref: commenter }
        : { id: 'commento:anonymous', name: 'Anonymous', guest: true, avatar: null },
    content: { kind: 'markdown', text: clean(s(v, 'markdown') ?? '') },
    state: v.deleted === true ? 'deleted' : rejected ? 'rejected' : state === 'unapproved' ? 'pending' : 'visible',
    skip: rejected && opts.spam === 'skip' ? 'spam' : null,
    likes: Math.max(0, Number(v.score ?? 0) || 0),
    position,
  };
}
