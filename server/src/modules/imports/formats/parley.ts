import { ndjsonObjects, obj, str } from '../ndjson';
import { ImportFormatError, avatarUrl, clean, parseDate, validPageId, type ReaderOptions, type SourceItem } from '../source';

/** The first line of a Parley export. */
export const EXPORT_HEADER_TYPE = 'parley-export';
/** Version of the export format written by this build. */
export const EXPORT_VERSION = 1;

const STATES = new Set(['visible', 'pending', 'deleted', 'rejected']);

/** Reads Parley's own NDJSON export (a header line, then `page` and `comment` lines). */
export async function* readParley(input: AsyncIterable<Buffer | string>, _opts: ReaderOptions): AsyncGenerator<SourceItem> {
  let header = false;
  for await (const { line, value } of ndjsonObjects(input, 'Parley export')) {
    const position = { line };
    const type = str(value, 'type');
    if (!header) {
      if (type !== EXPORT_HEADER_TYPE || value.version !== EXPORT_VERSION)
        throw new ImportFormatError(
          `this is not a Parley export: expected a first line {"type":"${EXPORT_HEADER_TYPE}","version":1}`,
          position,
        );
      header = true;
      yield { kind: 'header', siteId: str(value, 'siteId') };
      continue;
    }
    if (type === 'page') {
      const pageId = str(value, 'pageId');
      if (!validPageId(pageId)) yield { kind: 'problem', message: 'page line without a valid pageId', position };
      else
        yield {
          kind: 'thread',
          key: pageId,
          pageId,
          title: str(value, 'title'),
          url: str(value, 'url'),
          locked: value.locked === true,
        };
      continue;
    }
    if (type !== 'comment') continue;
    const id = str(value, 'id');
    const pageId = str(value, 'pageId');
    const createdAt = parseDate(str(value, 'createdAt'));
    const status = str(value, 'status') ?? '';
    const author = obj(value, 'author');
    if (!id || !validPageId(pageId) || !createdAt || !STATES.has(status) || !str(author, 'id')) {
      yield { kind: 'problem', message: 'comment line without id, pageId, createdAt, status or author.id', position };
      continue;
    }
    const source = obj(value, 'source');
    const system = str(source, 'system');
    const sourceId = str(source, 'id');
    yield {
      kind: 'comment',
      id,
      threadKey: pageId,
      parentId: str(value, 'parentId'),
      createdAt,
      editedAt: parseDate(str(value, 'editedAt')),
      author: {
        id: clean(str(author, 'id')!),
        name: clean(str(author, 'name') ?? 'Anonymous').slice(0, 64),
        guest: author?.guest === true,
        avatar: avatarUrl(str(author, 'avatar')),
        ...(str(author, 'email') ? { email: clean(str(author, 'email')!) } : {}),
        ...(str(author, 'url') ? { url: clean(str(author, 'url')!) } : {}),
      },
      content: { kind: 'both', body: clean(str(value, 'body') ?? ''), html: clean(str(value, 'html') ?? '') },
      state: status as 'visible',
      skip: null,
      likes: Math.max(0, Number(value.likes ?? 0) || 0),
      position,
      ...(system && sourceId ? { origin: { system, id: sourceId } } : {}),
      ...(str(value, 'clientNonce') ? { clientNonce: str(value, 'clientNonce')! } : {}),
      modReason: str(value, 'modReason'),
    };
  }
  if (!header) throw new ImportFormatError('the file is empty: expected a Parley export', { line: 1 });
}
