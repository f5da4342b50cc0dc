import { isParleyError } from '../errors';
import type { Comment } from '../protocol';
import type { Item } from './comment-view';
import { charCount, createComposer, MAX_CHARS, setFormDisabled, setFormError, updateCounter } from './composer';
import { closest, h, randomId } from './dom';
import { saveGuestToken } from './identity';
import type { Incoming } from './incoming';
import { downloadMyData, eraseMyData } from './my-data';
import type { WidgetPort } from './port';
import type { Thread } from './thread';
import { placeWaiting } from './thread-logic';

/** A readable reason for a failed request. */
function reason(err: unknown): string {
  if (isParleyError(err) && err.code === 'rate_limited') {
    const ms = (err as { retryAfterMs?: number }).retryAfterMs ?? 0;
    return ms > 0 ? `${err.message} (${Math.ceil(ms / 1000)} s)` : err.message;
  }
  return err instanceof Error && err.message ? err.message : 'network error';
}

/**
 * What readers do (post, reply, edit, delete, react, flag, sort, load more)
 * (live room events are in incoming.ts). One delegated listener per event type on the root,
 * so tearing down never leaves a listener behind.
 */
export class Actions {
  private readonly handlers: [string, (e: Event) => void][] = [
    ['click', (e) => void this.onClick(e)],
    ['submit', (e) => void this.onSubmit(e as SubmitEvent)],
    [
      'input',
      (e) => {
        const form = closest<HTMLFormElement>(e.target, 'form');
        if (!form) return;
        updateCounter(form, this.w.texts);
        // The reader started writing: solve the site's proof of work meanwhile (if it asks for one).
        if (form.getAttribute('data-form') !== 'flag') this.w.work.warm(this.w.viewer);
      },
    ],
    ['keydown', (e) => this.onKey(e as KeyboardEvent)],
  ];

  /** What a post's hidden honeypot field held (people leave it empty). */
  private readonly honeypots = new WeakMap<Item, string>();

  constructor(
    private readonly w: WidgetPort,
    private readonly thread: Thread,
    private readonly incoming: Incoming,
  ) {}

  /** Adds the delegated listeners. */
  attach(root: HTMLElement): void {
    for (const [type, fn] of this.handlers) root.addEventListener(type, fn);
  }

  /** Removes the delegated listeners. */
  detach(root: HTMLElement): void {
    for (const [type, fn] of this.handlers) root.removeEventListener(type, fn);
  }

  private onKey(e: KeyboardEvent): void {
    const form = closest<HTMLFormElement>(e.target, 'form');
    if (!form) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement) {
      e.preventDefault();
      form.requestSubmit();
    } else if (e.key === 'Escape' && form.getAttribute('data-form') !== 'post') this.closeSlot(form);
  }

  private closeSlot(form: HTMLFormElement): void {
    const item = this.thread.itemOf(form);
    form.remove();
    item?.top.querySelector<HTMLElement>('[data-act="reply"],[data-act="edit"],[data-act="flag"]')?.focus();
  }

  private async onClick(e: Event): Promise<void> {
    const button = closest<HTMLButtonElement>(e.target, 'button[data-act]');
    if (!button) return;
    const w = this.w;
    const item = this.thread.itemOf(button);
    const act = button.getAttribute('data-act');
    if (act !== 'delete' && item?.confirming) {
      item.confirming = false;
      this.thread.paint(item);
    }
    if (act === 'sort') {
      for (const b of Array.from(button.parentElement!.children)) b.setAttribute('aria-pressed', String(b === button));
      await w.changeSort(button.getAttribute('data-sort') as typeof w.sort);
    } else if (act === 'more') await this.more(button);
    else if (act === 'show-new') this.showNew();
    else if (act === 'export-data') await downloadMyData(w).catch((err: unknown) => w.announce(reason(err)));
    else if (act === 'erase-data') await eraseMyData(w).catch((err: unknown) => w.announce(reason(err)));
    else if (act === 'cancel') this.closeSlot(closest<HTMLFormElement>(button, 'form')!);
    else if (item && act === 'replies') await w.loadReplies(item.c.id);
    else if (item && act === 'like') await this.like(item);
    else if (item && act === 'delete') await this.remove(item);
    else if (item && act === 'retry') await this.send(item);
    else if (item && (act === 'reply' || act === 'edit' || act === 'flag')) this.openSlot(item, act);
  }

  private async more(button: HTMLButtonElement): Promise<void> {
    const w = this.w;
    button.disabled = true;
    try {
      const page = await w.client.list(w.page, { sort: w.sort, limit: w.pageSize, cursor: this.thread.nextCursor });
      if (!w.dead) w.appendPage(page.comments, page.nextCursor);
    } finally {
      button.disabled = false;
    }
  }

  private showNew(): void {
    const { at, comments, focus } = placeWaiting(this.thread.waiting.drain(), this.w.sort, this.thread.nextCursor !== null);
    const added = comments.map((c) => this.thread.addTop(c, at));
    const first = added[focus];
    this.w.updateNewButton();
    if (first) {
      first.el.tabIndex = -1;
      first.el.focus();
    }
  }

  private openSlot(item: Item, kind: 'reply' | 'edit' | 'flag'): void {
    const w = this.w;
    if (kind === 'flag') {
      const input = h('input', { type: 'text', id: randomId('r'), maxlength: 500, required: true });
      const form = h(
        'form',
        { 'data-form': 'flag', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: input.id, text: w.texts.flagReason }), input),
        h('span', { class: 'error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'as' }),
          h('button', { type: 'button', class: 'secondary', 'data-act': 'cancel', text: w.texts.cancel }),
          h('button', { type: 'submit', class: 'primary', text: w.texts.flagSend }),
        ),
      );
      item.slot.replaceChildren(form);
      input.focus();
      return;
    }
    const composer = createComposer({
      kind,
      texts: w.texts,
      askName: kind === 'reply' && !w.viewer,
      viewerName: null,
      initial: kind === 'edit' ? item.c.body : '',
    });
    item.slot.replaceChildren(composer.form);
    (composer.name ?? composer.textarea).focus();
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    const form = closest<HTMLFormElement>(e.target, 'form');
    if (!form) return;
    e.preventDefault();
    const kind = form.getAttribute('data-form');
    const item = this.thread.itemOf(form);
    if (kind === 'flag' && item) return this.flag(item, form);
    const textarea = form.querySelector('textarea')!;
    const body = textarea.value.trim();
    const n = charCount(body);
    if (n === 0 || n > MAX_CHARS) {
      setFormError(form, n === 0 ? this.w.texts.placeholder : `${this.w.texts.tooLong}: ${n}/${MAX_CHARS}`);
      textarea.focus();
      return;
    }
    setFormError(form, '');
    if (kind === 'edit' && item) return this.edit(item, form, body);
    const honeypot = form.querySelector<HTMLInputElement>('input[name="website"]')?.value ?? '';
    if (!(await this.ensureIdentity(form))) return;
    const parent = kind === 'reply' ? item : null;
    // Signing a guest in re-renders the post form (the draft moves along): clear the live one.
    const current = kind === 'post' && this.w.composer ? this.w.composer.form : form;
    current.querySelector('textarea')!.value = '';
    updateCounter(current, this.w.texts);
    if (parent) form.remove();
    await this.post(body, parent, honeypot);
  }

  /** Signs a guest in on their first post: a guest token via the SDK, remembered per site. */
  private async ensureIdentity(form: HTMLFormElement): Promise<boolean> {
    const w = this.w;
    if (w.viewer) return true;
    const name = form.querySelector<HTMLInputElement>('input[name="name"]') ?? w.composer?.name;
    if (!name || !name.value.trim()) {
      setFormError(w.composer?.form ?? form, w.texts.needName);
      (name ?? w.composer?.name)?.focus();
      return false;
    }
    setFormDisabled(form, true);
    try {
      const issued = await w.client.guestToken(name.value.trim());
      saveGuestToken(w.site, issued);
      w.signInGuest(issued.token);
      return true;
    } catch (err) {
      if (isParleyError(err) && err.code === 'forbidden') {
        w.refuseGuests();
      } else setFormError(form, reason(err));
      return false;
    } finally {
      setFormDisabled(form, false);
    }
  }

  private async post(body: string, parent: Item | null, honeypot: string): Promise<void> {
    const w = this.w;
    const v = w.viewer!;
    const nonce = randomId('n');
    const temp: Comment = {
      id: `local-${nonce}`,
      siteId: w.site,
      pageId: w.page,
      parentId: parent?.c.id ?? null,
      depth: parent ? parent.c.depth + 1 : 0,
      author: { id: v.id, name: v.name, avatar: null, guest: v.guest },
      body,
      html: '',
      status: 'visible',
      createdAt: new Date().toISOString(),
      editedAt: null,
      replyCount: 0,
      reactions: { like: 0 },
    };
    const item = parent ? this.thread.addReply(parent, temp) : this.thread.addTop(temp, w.sort === 'newest' ? 'start' : 'end');
    item.nonce = nonce;
    if (honeypot) this.honeypots.set(item, honeypot);
    w.showStatus(null);
    await this.send(item);
  }

  /** Sends (or re-sends, with the same nonce) an optimistic comment. */
  private async send(item: Item): Promise<void> {
    const w = this.w;
    item.state = 'sending';
    this.thread.paint(item);
    this.incoming.begin();
    try {
      const proofOfWork = await w.work.take(w.viewer);
      const honeypot = this.honeypots.get(item);
      const { comment } = await w.client.post(w.page, {
        body: item.c.body,
        parentId: item.c.parentId,
        clientNonce: item.nonce,
        ...(proofOfWork ? { proofOfWork } : {}),
        ...(honeypot ? { honeypot } : {}),
      });
      if (w.dead) return;
      this.incoming.acknowledged(comment.id);
      item.state = null;
      const shown = this.thread.items.get(comment.id);
      if (shown && shown !== item) {
        this.thread.remove(item.c.id);
        return;
      }
      if (comment.parentId !== item.c.parentId) {
        // The server attached a reply at the depth cap to its parent's level.
        const home = comment.parentId ? this.thread.items.get(comment.parentId) : null;
        if (home) home.replies.append(item.el);
      }
      this.thread.rekey(item, comment);
      this.thread.paint(item);
      const home = comment.parentId ? this.thread.items.get(comment.parentId) : null;
      if (home && comment.status === 'visible') {
        home.c = { ...home.c, replyCount: home.c.replyCount + 1 };
        this.thread.paint(home);
      }
      if (comment.status === 'visible') {
        w.addToTotal(1);
        w.announce(w.texts.posted);
      } else w.announce(w.texts.pending);
    } catch (err) {
      if (w.dead) return;
      item.state = 'failed';
      item.error = reason(err);
      this.thread.paint(item);
    } finally {
      this.incoming.end();
    }
  }

  private async edit(item: Item, form: HTMLFormElement, body: string): Promise<void> {
    setFormDisabled(form, true);
    try {
      const comment = await this.w.client.edit(item.c.id, body);
      form.remove();
      this.thread.update(comment);
      item.top.querySelector<HTMLElement>('[data-act="edit"]')?.focus();
    } catch (err) {
      setFormDisabled(form, false);
      setFormError(form, reason(err));
    }
  }

  private async flag(item: Item, form: HTMLFormElement): Promise<void> {
    const input = form.querySelector('input')!;
    if (!input.value.trim()) return input.focus();
    setFormDisabled(form, true);
    try {
      await this.w.client.flag(item.c.id, input.value.trim());
      item.slot.replaceChildren(h('p', { class: 'notice', role: 'status', text: this.w.texts.flagged }));
    } catch (err) {
      setFormDisabled(form, false);
      setFormError(form, reason(err));
    }
  }

  private async remove(item: Item): Promise<void> {
    const w = this.w;
    if (!item.confirming) {
      item.confirming = true;
      this.thread.paint(item);
      return;
    }
    item.confirming = false;
    try {
      const comment = await w.client.remove(item.c.id);
      if (!w.dead && this.thread.items.has(comment.id)) this.incoming.deleted(comment.id);
    } catch (err) {
      this.thread.paint(item);
      w.announce(reason(err));
    }
  }

  private async like(item: Item): Promise<void> {
    const w = this.w;
    if (!w.viewer) {
      if (w.composer) setFormError(w.composer.form, w.texts.needName);
      (w.composer?.name ?? w.composer?.textarea)?.focus();
      return;
    }
    const on = !item.liked;
    const before = { liked: item.liked, count: item.c.reactions.like };
    item.liked = on;
    item.c = { ...item.c, reactions: { like: Math.max(0, before.count + (on ? 1 : -1)) } };
    this.thread.paint(item);
    try {
      this.thread.update(await w.client.react(item.c.id, 'like', on));
    } catch (err) {
      item.liked = before.liked;
      item.c = { ...item.c, reactions: { like: before.count } };
      this.thread.paint(item);
      w.announce(reason(err));
    }
  }
}
