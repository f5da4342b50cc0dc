/** Formats `import` understands. */
export const IMPORT_FORMATS = ['disqus', 'wordpress', 'commento', 'remark42', 'parley'] as const;
/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Where in the file something is: a line and column (XML, NDJSON) or a byte offset / JSON path. */
export interface SourcePosition {
  line?: number;
  column?: number;
  offset?: number;
  path?: string;
}

/** Reads a position the way the report and error messages print it. */
export function describePosition(p: SourcePosition): string {
  const parts: string[] = [];
  if (p.line !== undefined) parts.push(`line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}`);
  if (p.path) parts.push(p.path);
  if (p.offset !== undefined && p.line === undefined) parts.push(`byte ${p.offset}`);
  return parts.join(', ') || 'start of file';
}

/** The input cannot be read as the format said (not XML, another format, truncated): the run stops. */
export class ImportFormatError extends Error {
  override name = 'ImportFormatError';
  constructor(
    message: string,
    readonly position: SourcePosition,
  ) {
    super(`${message} (at ${describePosition(position)})`);
  }
}

/** A discussion in the source (Disqus thread, WordPress post, Parley page). */
export interface SourceThread {
  kind: 'thread';
  key: string;
  pageId: string;
  title: string | null;
  url: string | null;
  locked: boolean;
}

/** What the source knew of an author; email and URL stay private. */
export interface SourceAuthor {
  id: string;
  name: string;
  guest: boolean;
  avatar: string | null;
  email?: string;
  url?: string;
}

/** A named author a comment can point to (Commento's commenters come apart from the comments). */
export interface SourceAuthorEntry {
  kind: 'author';
  key: string;
  author: SourceAuthor;
}

/** The source's own visibility of a comment. */
export type SourceState = 'visible' | 'pending' | 'rejected' | 'deleted';

/** How the text came: HTML (sanitized, body derived), markdown (rendered), or both as Parley keeps them. */
export type SourceContent =
  { kind: 'html'; html: string } | { kind: 'markdown'; text: string } | { kind: 'both'; body: string; html: string };

/** Why a source comment was not imported. */
export type SkipReason =
  | 'pingback'
  | 'trackback'
  | 'other-type'
  | 'spam'
  | 'trash'
  | 'deleted-without-replies'
  | 'duplicate-in-file'
  | 'unknown-thread'
  | 'invalid';

/** A comment in the source. */
export interface SourceComment {
  kind: 'comment';
  id: string;
  threadKey: string;
  parentId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  author: SourceAuthor | { ref: string };
  content: SourceContent;
  state: SourceState;
  /** Set by a reader that already knows the comment must not be imported. */
  skip: SkipReason | null;
  likes: number;
  position: SourcePosition;
  /** Parley exports carry where a comment originally came from, and its nonce and moderation note. */
  origin?: { system: string; id: string };
  clientNonce?: string;
  modReason?: string | null;
}

/** A record that could not be used, with where it is; the run goes on. */
export interface SourceProblem {
  kind: 'problem';
  message: string;
  position: SourcePosition;
}

/** A Parley export's first line: the site it was taken from. */
export interface SourceHeader {
  kind: 'header';
  siteId: string | null;
}

/** What a reader yields. */
export type SourceItem = SourceHeader | SourceThread | SourceAuthorEntry | SourceComment | SourceProblem;

/** Options every reader gets. */
export interface ReaderOptions {
  /** Disqus: the page id from the thread's link path (default) or its identifier. */
  pageIdFrom: 'link' | 'identifier';
  /** Spam and trash: kept as `rejected` (default) or skipped. */
  spam: 'keep' | 'skip';
}

/** A reader turns a byte stream into source items. */
export type SourceReader = (input: AsyncIterable<Buffer | string>, opts: ReaderOptions) => AsyncGenerator<SourceItem>;

/** A valid Parley pageId (SPEC: 1..256 printable ASCII characters without spaces). */
export function validPageId(id: string | null | undefined): id is string {
  return typeof id === 'string' && /^[\x21-\x7e]{1,256}$/.test(id);
}

/** The path of a URL (with its query dropped), or null when it is not a URL with a path. */
export function urlPath(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const u = new URL(link.trim(), 'http://placeholder.invalid');
    return validPageId(u.pathname) ? u.pathname : null;
  } catch {
    return null;
  }
}

/** Strips the NUL characters the store cannot hold. */
export function clean(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/**
 * A string that holds only its own characters: a substring of 13 or more
 * characters is a view into its parent (here a whole chunk of the file), which
 * would keep every chunk an id or title came from alive for the whole run.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** Keeps an avatar only when it is an http(s) URL. */
export function avatarUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\/\S+$/i.test(url.trim()) ? url.trim() : null;
}

/** A date from the source, or null when absent or unreadable. */
export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value.trim());
  return Number.isNaN(d.getTime()) ? null : d;
}
