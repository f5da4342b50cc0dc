/**
 * Builders of export files in the documented formats of Disqus, WordPress
 * (WXR), Commento and Remark42, so tests and the benchmark generate their own
 * fixtures (never copied from real exports).
 */

/** Escapes text for XML outside CDATA. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Wraps text in CDATA (splitting any `]]>` inside it). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A Disqus thread. */
export interface DisqusThread {
  id: string;
  link: string;
  identifier?: string;
  title?: string;
}

/** A Disqus post. */
export interface DisqusPost {
  id: string;
  thread: string;
  parent?: string;
  message: string;
  createdAt: string;
  name?: string;
  username?: string;
  email?: string;
  anonymous?: boolean;
  deleted?: boolean;
  spam?: boolean;
  /** Write the message as escaped text instead of CDATA. */
  escaped?: boolean;
}

/** The opening of a Disqus export. */
export const DISQUS_HEAD =
  '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n';

/** One `<thread>` element. */
export function disqusThread(t: DisqusThread): string {
  return `<thread dsq:id="${t.id}"><id>${xmlText(t.identifier ?? '')}</id><forum>f</forum><category dsq:id="1"/><link>${xmlText(t.link)}</link><title>${cdata(t.title ?? t.link)}</title><message/><createdAt>2015-01-01T00:00:00Z</createdAt><author><name>Owner</name><isAnonymous>false</isAnonymous><username>owner</username></author><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n`;
}

/** One `<post>` element. */
export function disqusPost(p: DisqusPost): string {
  const message = p.escaped ? xmlText(p.message) : cdata(p.message);
  const anonymous = p.anonymous ?? !p.username;
  return `<post dsq:id="${p.id}"><id/><message>${message}</message><createdAt>${p.createdAt}</createdAt><isDeleted>${Boolean(p.deleted)}</isDeleted><isSpam>${Boolean(p.spam)}</isSpam><author>${p.email ? `<email>${xmlText(p.email)}</email>` : ''}<name>${xmlText(p.name ?? 'Reader')}</name><isAnonymous>${anonymous}</isAnonymous>${p.username ? `<username>${p.username}</username>` : ''}</author><thread dsq:id="${p.thread}"/>${p.parent ? `<parent dsq:id="${p.parent}"/>` : ''}</post>\n`;
}

/** A whole Disqus export. */
export function disqusExport(threads: DisqusThread[], posts: DisqusPost[]): string {
  return `${DISQUS_HEAD}<category dsq:id="1"><forum>f</forum><title>General</title><isDefault>true</isDefault></category>\n${threads.map(disqusThread).join('')}${posts.map(disqusPost).join('')}</disqus>\n`;
}

/** A WordPress comment. */
export interface WpComment {
  id: number;
  parent?: number;
  author?: string;
  email?: string;
  url?: string;
  date: string;
  content: string;
  approved?: '1' | '0' | 'spam' | 'trash';
  type?: '' | 'comment' | 'pingback' | 'trackback';
  userId?: number;
  /** Bare values instead of CDATA. */
  bare?: boolean;
}

/** A WordPress post with its comments. */
export interface WpItem {
  postId: number;
  link: string;
  title: string;
  comments: WpComment[];
}

function wpValue(value: string, bare: boolean | undefined): string {
  return bare ? xmlText(value) : cdata(value);
}

/** A whole WXR export. */
export function wxrExport(items: WpItem[]): string {
  const body = items
    .map(
      (item) =>
        `<item><title>${xmlText(item.title)}</title><link>${xmlText(item.link)}</link><wp:post_id>${item.postId}</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n${item.comments
          .map(
            (c) =>
              `<wp:comment><wp:comment_id>${c.id}</wp:comment_id><wp:comment_author>${wpValue(c.author ?? 'Reader', c.bare)}</wp:comment_author><wp:comment_author_email>${wpValue(c.email ?? '', c.bare)}</wp:comment_author_email><wp:comment_author_url>${xmlText(c.url ?? '')}</wp:comment_author_url><wp:comment_date>${c.date}</wp:comment_date><wp:comment_date_gmt>${c.date}</wp:comment_date_gmt><wp:comment_content>${wpValue(c.content, c.bare)}</wp:comment_content><wp:comment_approved>${wpValue(c.approved ?? '1', c.bare)}</wp:comment_approved><wp:comment_type>${wpValue(c.type ?? 'comment', c.bare)}</wp:comment_type><wp:comment_parent>${c.parent ?? 0}</wp:comment_parent><wp:comment_user_id>${c.userId ?? 0}</wp:comment_user_id></wp:comment>\n`,
          )
          .join('')}</item>\n`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Blog</title><link>https://blog.example.com</link><wp:wxr_version>1.2</wp:wxr_version>\n${body}</channel></rss>\n`;
}

/** A Commento comment. */
export interface CommentoComment {
  commentHex: string;
  url: string;
  commenterHex: string;
  markdown: string;
  parentHex: string;
  state?: 'approved' | 'unapproved' | 'flagged';
  creationDate: string;
  score?: number;
  deleted?: boolean;
}

/** A Commento commenter. */
export interface CommentoCommenter {
  commenterHex: string;
  name: string;
  email: string;
  link?: string;
  photo?: string;
}

/** A whole Commento JSON export (commenters after comments, as a reader must cope with). */
export function commentoExport(comments: CommentoComment[], commenters: CommentoCommenter[]): string {
  return JSON.stringify({
    version: 1,
    comments: comments.map((c) => ({ state: 'approved', score: 0, deleted: false, html: '', direction: 0, ...c })),
    commenters: commenters.map((c) => ({
      provider: 'commento',
      joinDate: '2019-01-01T00:00:00Z',
      isModerator: false,
      link: 'undefined',
      photo: 'undefined',
      ...c,
    })),
  });
}

/** A Remark42 comment. */
export interface Remark42Comment {
  id: string;
  pid?: string;
  text: string;
  orig?: string;
  user: { name: string; id: string; picture?: string };
  url: string;
  time: string;
  score?: number;
  delete?: boolean;
}

/** A Remark42 backup: a header line, then one comment per line. */
export function remark42Backup(comments: Remark42Comment[]): string {
  const lines = [JSON.stringify({ version: 1, users: [], posts: [] })];
  for (const c of comments)
    lines.push(
      JSON.stringify({
        id: c.id,
        pid: c.pid ?? '',
        text: c.text,
        ...(c.orig !== undefined ? { orig: c.orig } : {}),
        user: { name: c.user.name, id: c.user.id, picture: c.user.picture ?? '', admin: false },
        locator: { site: 'remark', url: c.url },
        score: c.score ?? 0,
        votes: {},
        time: c.time,
        delete: c.delete ?? false,
        title: 'Post',
      }),
    );
  return `${lines.join('\n')}\n`;
}
