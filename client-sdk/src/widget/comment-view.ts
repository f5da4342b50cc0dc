import type { Comment } from '../protocol';
import { append, h } from './dom';
import type { Viewer } from './identity';
import { fmt, type WidgetTexts } from './texts';
import { exactTime, relativeTime } from './time';

/** Delivery state of a comment the reader wrote in this page view. */
export type LocalState = 'sending' | 'failed' | null;

/** One rendered comment and what the widget knows about it beyond the JSON. */
export interface Item {
  c: Comment;
  el: HTMLLIElement;
  top: HTMLDivElement;
  slot: HTMLDivElement;
  replies: HTMLOListElement;
  showReplies: HTMLButtonElement;
  /** Whether the viewer likes it (room broadcasts carry no `viewer`, so it is kept here). */
  liked: boolean;
  state: LocalState;
  error: string;
  /** Replies rendered under it, and the cursor to fetch more (undefined: none fetched yet). */
  shown: number;
  cursor: string | null | undefined;
  /** Set while a first delete click awaits confirmation. */
  confirming: boolean;
  /** The nonce of an optimistic post, reused by retries so the server never duplicates it. */
  nonce?: string;
}

/** What rendering needs besides the comment. */
export interface ViewContext {
  texts: WidgetTexts;
  lang: string;
  viewer: Viewer | null;
  locked: boolean;
  editWindowSec: number;
}

const SVG = 'http://www.w3.org/2000/svg';

function heart(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute(
    'd',
    'M12 20.5s-7.5-4.6-9.3-9.4C1.5 7.8 3.6 4.5 7 4.5c2 0 3.6 1.1 5 3 1.4-1.9 3-3 5-3 3.4 0 5.5 3.3 4.3 6.6-1.8 4.8-9.3 9.4-9.3 9.4z',
  );
  svg.appendChild(path);
  return svg;
}

/** Creates the element skeleton of a comment; {@link paint} fills it. */
export function createItem(c: Comment, liked: boolean): Item {
  const top = h('div', { class: 'ct' });
  const slot = h('div', { class: 'slot' });
  const replies = h('ol', { class: 'replies' });
  const showReplies = h('button', { type: 'button', class: 'showrep', 'data-act': 'replies', hidden: true });
  const el = h('li', { class: 'c', 'data-id': c.id }, top, slot, replies, showReplies);
  return {
    c,
    el,
    top,
    slot,
    replies,
    showReplies,
    liked,
    state: null,
    error: '',
    shown: 0,
    cursor: undefined,
    confirming: false,
  };
}

function btn(act: string, label: string, extra: Record<string, string | boolean> = {}): HTMLButtonElement {
  return h('button', { type: 'button', 'data-act': act, ...extra }, label);
}

/** Re-renders a comment's header, body and actions from its current data. */
export function paint(item: Item, ctx: ViewContext): void {
  const { c } = item;
  const { texts: t, viewer } = ctx;
  const dead = c.status === 'deleted';
  const mine = Boolean(viewer && c.author.id === viewer.id);
  const header = h('div', { class: 'ch' });
  if (!dead) {
    const name = c.author.name ?? '';
    append(
      header,
      h('span', { class: 'av', 'aria-hidden': 'true', text: (name.trim()[0] ?? '?').toUpperCase() }),
      h('span', { class: 'author', text: name }),
    );
    if (c.author.guest) append(header, h('span', { class: 'badge', text: t.guest }));
    append(
      header,
      h('time', {
        datetime: c.createdAt,
        title: exactTime(c.createdAt, ctx.lang),
        text: relativeTime(c.createdAt, ctx.lang, t.justNow),
      }),
    );
    if (c.editedAt) append(header, h('span', { class: 'edited', title: exactTime(c.editedAt, ctx.lang), text: `· ${t.edited}` }));
  }
  const stateText =
    item.state === 'sending'
      ? t.sending
      : item.state === 'failed'
        ? fmt(t.failed, { reason: item.error })
        : c.status === 'pending'
          ? t.pending
          : '';
  if (stateText)
    append(
      header,
      h('span', {
        class: 'state',
        'data-kind': item.state ?? c.status,
        role: item.state === 'failed' ? 'alert' : null,
        text: stateText,
      }),
    );

  const body = h('div', { class: 'body' });
  if (dead) append(body, h('p', { class: 'tomb', text: t.deleted }));
  // The server renders and sanitizes comment HTML (sanitize-html allow-list); it is the only markup inserted.
  // An optimistic copy has no server HTML yet: its text is shown as typed, never parsed.
  else if (c.id.startsWith('local-')) body.append(h('p', { class: 'raw', text: c.body }));
  else body.innerHTML = c.html;

  const acts = h('div', { class: 'acts' });
  const settled = item.state === null && !c.id.startsWith('local-');
  if (settled && c.status === 'visible') {
    const like = h('button', {
      type: 'button',
      class: 'like',
      'data-act': 'like',
      'aria-pressed': String(item.liked),
    });
    // The accessible name ("Like 4") contains the visible count (WCAG 2.5.3 "label in name"),
    // which an aria-label such as "Like (4)" over a visible "4" did not.
    append(
      like,
      heart(),
      h('span', { class: 'sr', text: `${t.like} ` }),
      h('span', { class: 'n', text: String(c.reactions.like) }),
    );
    append(acts, like);
    if (!ctx.locked) append(acts, btn('reply', t.reply));
  }
  if (settled && mine && !dead && c.status !== 'rejected' && Date.now() - Date.parse(c.createdAt) < ctx.editWindowSec * 1000)
    append(acts, btn('edit', t.edit));
  if (settled && !dead && (mine || viewer?.moderator)) {
    const del = btn('delete', item.confirming ? t.confirmDelete : t.delete, { class: 'danger' });
    if (item.confirming) del.setAttribute('data-confirm', '');
    append(acts, del);
  }
  if (settled && viewer && !mine && c.status === 'visible') append(acts, btn('flag', t.flag));
  if (item.state === 'failed') append(acts, btn('retry', t.retry, { class: 'danger' }));
  item.top.replaceChildren(header, body, acts);
  item.el.classList.toggle('dead', dead);
  paintReplyButton(item, ctx.texts);
}

/** Updates the "Show N replies" button from the reply count and how many are shown. */
export function paintReplyButton(item: Item, t: WidgetTexts): void {
  const rest = Math.max(0, item.c.replyCount - item.shown);
  item.showReplies.hidden = rest === 0 || item.cursor === null;
  item.showReplies.textContent = fmt(t.showReplies, { n: rest }, t.locale);
}

/** Refreshes only the relative times (called once a minute). */
export function repaintTimes(root: ParentNode, lang: string, justNow: string): void {
  for (const el of Array.from(root.querySelectorAll('time[datetime]'))) {
    el.textContent = relativeTime(el.getAttribute('datetime')!, lang, justNow);
  }
}
