/**
 * Script of the moderation page (`/moderate`): signs a moderator in with a
 * token (or, in development, the demo moderator), then shows the site's recent
 * comments of every status (paged, searchable by author id or text), the live
 * feed of new comments and the pending and flagged queues, with approve,
 * reject, delete, ban and lock actions. Everything updates live from `/admin` events.
 */
import { createAdminClient, type ParleyAdminClient } from '../admin';
import { isParleyError } from '../errors';
import type { Comment } from '../protocol';
import { CardList, type CardContext } from './cards';

const KEY = 'parley-moderate-session';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ctx: CardContext = { lockedPages: new Map() };
const comments = new Map<string, Comment>();
const recent = new CardList('recent', $('recent'), $('recent-n'), 'No comments match.', 500);
const feed = new CardList('feed', $('feed'), $('feed-n'), 'New comments appear here as they are posted.', 100);
const pending = new CardList('pending', $('pending'), $('pending-n'), 'Nothing waits for approval.');
const flagged = new CardList('flagged', $('flagged'), $('flagged-n'), 'No flagged comments.');
let admin: ParleyAdminClient | null = null;
let offs: (() => void)[] = [];

function say(message: string): void {
  $('live').textContent = message;
}

function refresh(c: Comment): void {
  comments.set(c.id, c);
  const open = c.status !== 'deleted' && c.status !== 'rejected';
  for (const list of [recent, feed, pending, flagged]) if (list.has(c.id)) list.put(c, ctx);
  if (c.status !== 'pending') pending.drop(c.id);
  if (!open) flagged.drop(c.id);
}

function repaintPage(pageId: string): void {
  for (const c of comments.values()) if (c.pageId === pageId) refresh(c);
}

function subscribe(client: ParleyAdminClient): void {
  offs = [
    client.on('mod:comment', ({ comment }) => {
      comments.set(comment.id, comment);
      feed.put(comment, ctx);
      if (comment.status === 'pending') pending.put(comment, ctx);
      say(`New ${comment.status === 'pending' ? 'held ' : ''}comment by ${comment.author.name ?? 'someone'}`);
    }),
    client.on('mod:flag', ({ comment, flag }) => {
      comments.set(comment.id, comment);
      flagged.put(comment, ctx);
      say(`Comment flagged: ${flag.reason}`);
    }),
    client.on('comment:updated', ({ comment }) => refresh(comment)),
    client.on('comment:deleted', ({ id }) => {
      const c = comments.get(id);
      if (c) refresh({ ...c, status: 'deleted', body: '', html: '' });
      pending.drop(id);
      flagged.drop(id);
    }),
    client.on('page:locked', ({ pageId, locked }) => {
      ctx.lockedPages.set(pageId, locked);
      repaintPage(pageId);
    }),
    client.on('connection', ({ state }) => {
      $('conn').textContent = state === 'connected' ? 'Live' : 'Reconnecting…';
      $('conn').setAttribute('data-state', state);
    }),
  ];
}

async function loadQueue(list: CardList, status: 'pending' | 'flagged'): Promise<void> {
  const page = await admin!.queue({ status, limit: 50 });
  for (const c of page.comments) {
    comments.set(c.id, c);
    list.put(c, ctx, 'end');
  }
}

/** What the Recent column shows: the latest comments, or a search, and where its next page starts. */
const search: { text?: string; authorId?: string; cursor: string | null } = { cursor: null };

async function loadRecent(fresh: boolean): Promise<void> {
  if (!admin) return;
  if (fresh) {
    recent.clear();
    search.cursor = null;
  }
  const more = $<HTMLButtonElement>('recent-more');
  more.disabled = true;
  try {
    const { text, authorId } = search;
    const page = await admin.recent({
      limit: 20,
      cursor: search.cursor,
      ...(text ? { text } : {}),
      ...(authorId ? { authorId } : {}),
    });
    for (const c of page.comments) {
      comments.set(c.id, c);
      recent.put(c, ctx, 'end');
    }
    search.cursor = page.nextCursor;
    more.hidden = page.nextCursor === null;
    const what =
      text || authorId
        ? `Matches for ${[text && `“${text}”`, authorId && `author ${authorId}`].filter(Boolean).join(' by ')}`
        : 'Latest comments of every status';
    $('recent-what').textContent = `${what}: ${recent.ids.length} shown${page.nextCursor ? ', more below' : ''}.`;
  } catch (err) {
    $('recent-what').textContent = `Could not load: ${(err as Error).message}`;
  } finally {
    more.disabled = false;
  }
}

async function signIn(siteId: string, token: string): Promise<void> {
  signOut();
  $('signin-error').textContent = '';
  const client = createAdminClient({ url: location.origin, siteId, token });
  subscribe(client);
  try {
    await client.connect();
  } catch (err) {
    for (const off of offs.splice(0)) off();
    client.disconnect();
    const forbidden = isParleyError(err) && (err.code === 'forbidden' || err.code === 'invalid_token');
    $('signin-error').textContent = forbidden
      ? 'This token has no moderator role for that site, or it has expired.'
      : `Could not connect: ${(err as Error).message}`;
    return;
  }
  admin = client;
  sessionStorage.setItem(KEY, JSON.stringify({ siteId, token }));
  $('site-name').textContent = siteId;
  $('conn').textContent = 'Live';
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('sign-out').hidden = false;
  await Promise.all([loadRecent(true), loadQueue(pending, 'pending'), loadQueue(flagged, 'flagged')]);
}

function signOut(): void {
  for (const off of offs.splice(0)) off();
  admin?.disconnect();
  admin = null;
  comments.clear();
  for (const list of [recent, feed, pending, flagged]) list.clear();
  $('desk').hidden = true;
  $('signin').hidden = false;
  $('sign-out').hidden = true;
  $('conn').textContent = '';
}

async function act(button: HTMLButtonElement): Promise<void> {
  const card = button.closest('li.card')!;
  const c = comments.get(card.getAttribute('data-id')!);
  if (!c || !admin) return;
  const reason = card.querySelector<HTMLInputElement>('.reason')?.value.trim() || undefined;
  const result = card.querySelector('.result')!;
  const a = button.getAttribute('data-act');
  button.disabled = true;
  try {
    if (a === 'approve') refresh(await admin.approve(c.id));
    else if (a === 'reject') refresh(await admin.reject(c.id, reason));
    else if (a === 'delete') refresh(await admin.deleteComment(c.id, reason));
    else if (a === 'ban' && c.author.id) {
      await admin.ban(c.author.id, { reason });
      result.textContent = `${c.author.name ?? 'The author'} is banned from this site.`;
    } else if (a === 'lock') {
      const locked = !ctx.lockedPages.get(c.pageId);
      await admin.lockPage(c.pageId, locked);
      ctx.lockedPages.set(c.pageId, locked);
      repaintPage(c.pageId);
    }
    say(`Done: ${a}`);
  } catch (err) {
    result.textContent = `Failed: ${(err as Error).message}`;
  } finally {
    button.disabled = false;
  }
}

async function demoToken(): Promise<void> {
  const siteId = $<HTMLInputElement>('site').value.trim() || 'demo';
  const res = await fetch('/api/v1/dev/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ siteId, role: 'moderator' }),
  });
  if (!res.ok) {
    $('signin-error').textContent =
      res.status === 404 ? 'The demo moderator exists only in development mode.' : `The token endpoint answered ${res.status}.`;
    return;
  }
  const { token } = (await res.json()) as { token: string };
  $<HTMLTextAreaElement>('token').value = token;
  await signIn(siteId, token);
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $<HTMLTextAreaElement>('token').value.trim();
  if (!token) return void ($('signin-error').textContent = 'Paste a moderator token first.');
  void signIn($<HTMLInputElement>('site').value.trim() || 'demo', token);
});
$('demo-mod').addEventListener('click', () => void demoToken());
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  signOut();
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  search.text = $<HTMLInputElement>('q-text').value.trim() || undefined;
  search.authorId = $<HTMLInputElement>('q-author').value.trim() || undefined;
  void loadRecent(true);
});
$('q-clear').addEventListener('click', () => {
  $<HTMLInputElement>('q-text').value = '';
  $<HTMLInputElement>('q-author').value = '';
  search.text = search.authorId = undefined;
  void loadRecent(true);
});
$('recent-more').addEventListener('click', () => void loadRecent(false));
$('desk').addEventListener('click', (e) => {
  const button = (e.target as Element).closest<HTMLButtonElement>('button[data-act]');
  if (button) void act(button);
});

// A link from a moderator alert names its site (`/moderate?site=<id>`): the form starts on it.
const linked = new URLSearchParams(location.search).get('site');
if (linked) $<HTMLInputElement>('site').value = linked;

try {
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as { siteId: string; token: string } | null;
  if (saved?.token && (!linked || linked === saved.siteId)) {
    $<HTMLInputElement>('site').value = saved.siteId;
    void signIn(saved.siteId, saved.token);
  }
} catch {
  sessionStorage.removeItem(KEY);
}
