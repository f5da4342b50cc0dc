import { createClient, type ParleyClient } from '../client';
import { isParleyError } from '../errors';
import type { Comment, SortOrder } from '../protocol';
import { Actions } from './actions';
import { repaintTimes, type ViewContext } from './comment-view';
import { createComposer, type Composer } from './composer';
import { h, show, text } from './dom';
import { loadGuestToken, saveGuestToken, viewerOf, type Viewer } from './identity';
import { widgetSheet } from './styles';
import { fmt, textsFor, type WidgetTexts } from './texts';
import { FIRST_REPLIES, Thread } from './thread';
import { Incoming } from './incoming';
import type { WidgetPort } from './port';
import { myDataSection } from './my-data';
import { PostWork } from './work';

/** Options of `Parley.mount(el, options)`. */
export interface WidgetOptions {
  /** The site id (`data-site`). */
  site: string;
  /** The discussion's page id. @default the canonical URL's path, else `location.pathname` */
  page: string;
  /** The Parley server. @default the origin `embed.js` was loaded from */
  url: string;
  /** A reader token signed by the site's backend (`data-token`). @default a remembered guest token, else none */
  token?: string | null;
  /** A language with a catalog in `locales/` (`en`, `es`, `fr`, `de`, `pt`, `it`; region tags such as `pt-BR` use their language). @default the host page's `<html lang>`, else `en` */
  lang?: string;
  /** Colour scheme. @default `auto` (follows `prefers-color-scheme`) */
  theme?: 'light' | 'dark' | 'auto';
  /** Replacements for any text. @example `{ post: 'Send', empty: 'Be the first!' }` */
  texts?: Partial<WidgetTexts>;
  /** Initial order. @default `newest` */
  sort?: SortOrder;
  /** Top-level comments per page. @default 20 */
  pageSize?: number;
  /** The site's edit window, to show "Edit" only while it is open (the server enforces it). @default 900 */
  editWindowSec?: number;
}

/** A mounted widget. */
export interface WidgetHandle {
  /** Removes every element, listener, timer and socket the widget created. */
  destroy(): void;
  /** Signs the reader in (or out, with null) without reloading the page. */
  setToken(token: string | null): void;
}

/** The widget's state and wiring between the SDK client and the DOM. */
export class Widget implements WidgetPort {
  readonly client: ParleyClient;
  readonly texts: WidgetTexts;
  readonly lang: string;
  readonly thread: Thread;
  readonly root = h('section', { class: 'p' });
  readonly live = h('div', { class: 'sr', 'aria-live': 'polite', role: 'status' });
  readonly status = h('p', { class: 'status' });
  readonly formSlot = h('div');
  readonly newBtn = h('button', { type: 'button', class: 'new', 'data-act': 'show-new', hidden: true });
  readonly moreBtn: HTMLButtonElement;
  /** Live room events. */
  readonly incoming: Incoming;
  /** Proof of work solved while the reader types (where the site asks for it). */
  readonly work: PostWork;
  composer: Composer | null = null;
  viewer: Viewer | null;
  token: string | null;
  sort: SortOrder;
  locked = false;
  guestsOff = false;
  editWindowSec: number;
  total = 0;
  dead = false;
  private readonly countEl = h('h2', { class: 'count' });
  private readonly presence = h('span', { class: 'presence', hidden: true });
  private readonly conn = h('span', { class: 'conn', role: 'status', hidden: true });
  private readonly notice = h('p', { class: 'notice', hidden: true });
  private readonly sortBtns: HTMLButtonElement[];
  private readonly offs: (() => void)[] = [];
  private readonly actions: Actions;
  private readonly timer: ReturnType<typeof setInterval>;
  private ready = false;
  private buffered: (() => void)[] = [];

  constructor(
    readonly host: HTMLElement,
    private readonly shadow: ShadowRoot,
    readonly o: WidgetOptions,
  ) {
    this.texts = textsFor(o.lang, o.texts);
    this.lang = o.lang ?? 'en';
    this.sort = o.sort ?? 'newest';
    this.editWindowSec = o.editWindowSec ?? 900;
    this.token = o.token ?? loadGuestToken(o.site);
    this.viewer = viewerOf(this.token);
    if (!this.viewer) this.token = null;
    this.client = createClient({ url: o.url, siteId: o.site, token: this.token });
    this.work = new PostWork({ client: this.client, announce: (m) => this.announce(m), texts: this.texts });
    this.thread = new Thread(
      () => this.ctx(),
      () => this.shadow.activeElement,
    );
    this.incoming = new Incoming(this, this.thread);
    const t = this.texts;
    this.sortBtns = (['newest', 'oldest', 'top'] as const).map((s) =>
      h('button', { type: 'button', 'data-act': 'sort', 'data-sort': s, 'aria-pressed': String(s === this.sort), text: t[s] }),
    );
    this.moreBtn = h('button', { type: 'button', class: 'more', 'data-act': 'more', hidden: true, text: t.loadMore });
    if (o.theme === 'light' || o.theme === 'dark') this.root.setAttribute('data-theme', o.theme);
    this.root.setAttribute('aria-label', t.region);
    this.root.append(
      h(
        'header',
        { class: 'head' },
        this.countEl,
        this.presence,
        this.conn,
        h('a', {
          class: 'feed',
          href: `${o.url}/api/v1/sites/${encodeURIComponent(o.site)}/pages/${encodeURIComponent(o.page)}/feed.atom`,
          type: 'application/atom+xml',
          // The accessible name contains the visible word (WCAG 2.5.3 "label in name").
          'aria-label': t.feedLabel,
          title: t.feedLabel,
          text: t.feed,
        }),
        h('div', { class: 'sort', role: 'group', 'aria-label': t.sortLabel }, ...this.sortBtns),
      ),
      this.notice,
      this.formSlot,
      h('div', { class: 'newbar' }, this.newBtn),
      this.status,
      this.thread.list,
      this.moreBtn,
      this.live,
    );
    shadow.adoptedStyleSheets = [widgetSheet()];
    shadow.replaceChildren(this.root);
    this.actions = new Actions(this, this.thread, this.incoming);
    this.actions.attach(this.root);
    this.timer = setInterval(() => repaintTimes(this.root, this.lang, t.justNow), 60_000);
    this.renderForm();
    this.paintCount();
  }

  /** The site id. */
  get site(): string {
    return this.o.site;
  }

  /** The discussion's page id. */
  get page(): string {
    return this.o.page;
  }

  /** Top-level comments per page. */
  get pageSize(): number {
    return this.o.pageSize ?? 20;
  }

  /** What comment rendering needs. */
  ctx(): ViewContext {
    return {
      texts: this.texts,
      lang: this.lang,
      viewer: this.viewer,
      locked: this.locked,
      editWindowSec: this.editWindowSec,
    };
  }

  /** Connects, joins the page and loads the first page of comments. */
  start(): void {
    this.subscribe();
    void this.join();
    void this.load();
    void this.loadSettings();
  }

  /** Learns whether guests may post and how long edits are allowed, so the form says so up front. */
  private async loadSettings(): Promise<void> {
    try {
      const settings = await this.client.settings();
      if (this.dead) return;
      this.editWindowSec = this.o.editWindowSec ?? settings.editWindowSec;
      this.work.mode = settings.proofOfWork ?? 'off';
      if (!settings.guests && !this.guestsOff) {
        this.guestsOff = true;
        this.renderForm();
      }
    } catch {
      // Without settings the widget keeps its defaults; the server still enforces every rule.
    }
  }

  private async join(): Promise<void> {
    try {
      await this.client.connect();
      const state = await this.client.join(this.o.page);
      if (this.dead) return;
      this.setLocked(state.locked);
      this.setReaders(state.readers);
    } catch (err) {
      // A remembered guest token the server no longer accepts: forget it and read anonymously.
      if (!this.dead && isParleyError(err) && err.code === 'invalid_token' && this.token) {
        if (this.viewer?.guest) saveGuestToken(this.o.site, null);
        this.setToken(null);
      }
    }
  }

  /** Loads (or reloads) the first page of top-level comments and their first replies. */
  async load(): Promise<void> {
    this.ready = false;
    this.thread.clear();
    this.updateNewButton();
    text(this.status, this.texts.loading);
    show(this.status, true);
    try {
      const page = await this.client.list(this.o.page, { sort: this.sort, limit: this.pageSize });
      if (this.dead) return;
      this.total = page.total;
      this.paintCount();
      this.appendPage(page.comments, page.nextCursor);
      text(this.status, page.comments.length ? '' : this.texts.empty);
      show(this.status, page.comments.length === 0);
    } catch {
      if (!this.dead) text(this.status, this.texts.loadFailed);
    }
    this.ready = true;
    for (const run of this.buffered.splice(0)) run();
  }

  /** Renders a page of top-level comments (skipping ones already shown) and fetches their first replies. */
  appendPage(comments: Comment[], nextCursor: string | null): void {
    this.thread.nextCursor = nextCursor;
    show(this.moreBtn, nextCursor !== null);
    for (const c of comments) {
      const known = this.thread.items.has(c.id);
      const item = this.thread.addTop(c, 'end');
      if (!known && c.replyCount > 0) void this.loadReplies(item.c.id, FIRST_REPLIES);
    }
  }

  /** Fetches the next replies of a comment ("Show N replies"). */
  async loadReplies(id: string, limit = 20): Promise<void> {
    const parent = this.thread.items.get(id);
    if (!parent || parent.cursor === null) return;
    const page = await this.client.list(this.o.page, { parentId: id, sort: 'oldest', limit, cursor: parent.cursor ?? null });
    if (this.dead) return;
    parent.cursor = page.nextCursor;
    for (const c of page.comments) this.thread.addReply(parent, c);
  }

  private subscribe(): void {
    const c = this.client;
    const later = (fn: () => void) => (this.ready ? fn() : this.buffered.push(fn));
    this.offs.push(
      c.on('comment:created', ({ comment }) => later(() => this.incoming.created(comment))),
      c.on('comment:updated', ({ comment }) => later(() => this.incoming.updated(comment))),
      c.on('comment:deleted', ({ id, pageId }) => pageId === this.o.page && later(() => this.incoming.deleted(id))),
      c.on('page:locked', ({ pageId, locked }) => pageId === this.o.page && this.setLocked(locked)),
      c.on('page:presence', ({ pageId, readers }) => pageId === this.o.page && this.setReaders(readers)),
      c.on('connection', ({ state }) => {
        text(this.conn, this.texts.reconnecting);
        show(this.conn, state !== 'connected');
      }),
    );
  }

  /** Renders the post form for the current identity and lock state. */
  renderForm(): void {
    const draft = this.composer?.textarea.value ?? '';
    const blocked = this.locked || (!this.viewer && this.guestsOff);
    text(this.notice, this.locked ? this.texts.locked : this.guestsOff && !this.viewer ? this.texts.guestsOff : '');
    show(this.notice, blocked);
    if (blocked) {
      this.composer = null;
      this.formSlot.replaceChildren();
      return;
    }
    this.composer = createComposer({
      kind: 'post',
      texts: this.texts,
      askName: !this.viewer,
      viewerName: this.viewer?.name ?? null,
      initial: draft,
    });
    this.formSlot.replaceChildren(this.composer.form);
    if (this.viewer) this.formSlot.append(myDataSection(this.texts));
  }

  /** Applies a lock change: the form gives way to a notice, reply buttons go. */
  setLocked(locked: boolean): void {
    if (locked === this.locked) return;
    this.locked = locked;
    this.renderForm();
    this.thread.paintAll();
  }

  private setReaders(n: number): void {
    text(this.presence, fmt(this.texts.reading, { n }, this.texts.locale));
    show(this.presence, n > 0);
  }

  /** Switches the order and reloads the thread. */
  changeSort(sort: SortOrder): Promise<void> {
    this.sort = sort;
    return this.load();
  }

  /** Signs a guest in with a token just issued: the form re-renders for them (the draft stays), comments repaint. */
  signInGuest(token: string): void {
    this.token = token;
    this.client.setToken(token);
    this.viewer = viewerOf(token);
    const draft = this.composer?.textarea.value;
    this.renderForm();
    if (this.composer && draft !== undefined) this.composer.textarea.value = draft;
    this.thread.paintAll();
  }

  /** The site refuses guests: the form gives way to a notice for readers who are not signed in. */
  refuseGuests(): void {
    this.guestsOff = true;
    this.renderForm();
  }

  /** Moves the "N comments" heading by `delta`. */
  addToTotal(delta: number): void {
    this.total += delta;
    this.paintCount();
  }

  /** Updates the "N comments" heading. */
  paintCount(): void {
    text(this.countEl, fmt(this.texts.count, { n: Math.max(0, this.total) }, this.texts.locale));
  }

  /** Shows a status line under the form ("Loading…", "No comments yet"), or hides it with null. */
  showStatus(message: string | null): void {
    text(this.status, message ?? '');
    show(this.status, message !== null);
  }

  /** Shows the waiting-comments button, or hides it when none wait. */
  updateNewButton(): void {
    text(this.newBtn, fmt(this.texts.newComments, { n: this.thread.waiting.size }, this.texts.locale));
    show(this.newBtn, this.thread.waiting.size > 0);
  }

  /** Says something to screen readers through the polite live region. */
  announce(message: string): void {
    this.live.textContent = message;
  }

  /** Switches identity: the list is reloaded because reactions and held comments are per reader. */
  setToken(token: string | null): void {
    if (this.dead) return;
    this.token = token;
    this.viewer = viewerOf(token);
    this.client.setToken(token);
    this.renderForm();
    void this.load();
  }

  /** Tears everything down; late promise results see `dead` and do nothing. */
  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    clearInterval(this.timer);
    this.work.stop();
    for (const off of this.offs.splice(0)) off();
    this.actions.detach(this.root);
    this.client.disconnect();
    this.shadow.replaceChildren();
    this.shadow.adoptedStyleSheets = [];
  }
}
