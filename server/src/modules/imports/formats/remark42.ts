import { ndjsonObjects, obj, str } from '../ndjson';
import { avatarUrl, clean, parseDate, urlPath, type ReaderOptions, type SourceItem } from '../source';

/**
 * Reads a Remark42 backup: one JSON comment per line (`id`, `pid`, `text`
 * (HTML), `orig` (markdown), `user`, `locator`, `time`, `score`, `delete`).
 * Lines without `id` and `locator` (the backup's header) are passed over.
 */
export async function* readRemark42(input: AsyncIterable<Buffer | string>, _opts: ReaderOptions): AsyncGenerator<SourceItem> {
  const threads = new Set<string>();
  for await (const { line, value } of ndjsonObjects(input, 'Remark42 backup')) {
    const locator = obj(value, 'locator');
    const id = str(value, 'id');
    const url = str(locator, 'url');
    if (!id || !locator) continue;
    const position = { line };
    const createdAt = parseDate(str(value, 'time'));
    if (!url || !createdAt) {
      yield { kind: 'problem', message: `comment ${id} has no ${url ? 'readable time' : 'locator.url'}`, position };
      continue;
    }
    if (!threads.has(url)) {
      threads.add(url);
      yield {
        kind: 'thread',
        key: url,
        pageId: urlPath(url) ?? `remark42-${threads.size}`,
        title: str(value, 'title'),
        url,
        locked: false,
      };
    }
    const user = obj(value, 'user');
    const userId = str(user, 'id') ?? 'anonymous';
    const orig = str(value, 'orig');
    const edit = obj(value, 'edit');
    yield {
      kind: 'comment',
      id,
      threadKey: url,
      parentId: str(value, 'pid') || null,
      createdAt,
      editedAt: parseDate(str(edit, 'time')),
      author: {
        id: `remark42:${userId}`,
        name: clean(str(user, 'name') ?? 'Anonymous').slice(0, 64) || 'Anonymous',
        guest: userId.startsWith('anonymous'),
        avatar: avatarUrl(str(user, 'picture')),
      },
      content: orig !== null ? { kind: 'markdown', text: clean(orig) } : { kind: 'html', html: clean(str(value, 'text') ?? '') },
      state: value.delete === true ? 'deleted' : 'visible',
      skip: null,
      likes: Math.max(0, Number(value.score ?? 0) || 0),
      position,
    };
  }
}
