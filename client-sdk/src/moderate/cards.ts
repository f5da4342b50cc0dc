import type { Comment } from '../protocol';
import { h } from '../widget/dom';
import { exactTime, relativeTime } from '../widget/time';

/** What a card needs to know beyond the comment. */
export interface CardContext {
  lockedPages: Map<string, boolean>;
}

function button(act: string, label: string, cls = ''): HTMLButtonElement {
  return h('button', { type: 'button', 'data-act': act, class: cls || null, text: label });
}

/** One comment as a moderation card: who, where, what, its state and the actions that apply. */
export function renderCard(c: Comment, ctx: CardContext, list: string): HTMLLIElement {
  const dead = c.status === 'deleted' || c.status === 'rejected';
  const flags = c.moderation?.flagCount ?? 0;
  const meta = h(
    'div',
    { class: 'meta' },
    h('strong', { class: 'who', text: c.author.name ?? '(hidden)' }),
    c.author.guest ? h('span', { class: 'badge', text: 'guest' }) : null,
    h('span', { text: 'on' }),
    h('code', { class: 'page', text: c.pageId }),
    h('time', { datetime: c.createdAt, title: exactTime(c.createdAt, 'en'), text: relativeTime(c.createdAt, 'en', 'just now') }),
    h('span', { class: `status s-${c.status}`, text: c.status }),
    c.parentId ? h('span', { class: 'badge', text: 'reply' }) : null,
    c.moderation?.shadow
      ? h('span', { class: 'badge', title: 'written under a shadow ban: only its author sees it', text: 'shadow' })
      : null,
    flags ? h('span', { class: 'flags', text: `${flags} flag${flags === 1 ? '' : 's'}` }) : null,
  );
  const body = h('div', { class: 'body' });
  // The server renders and sanitizes comment HTML; it is the only markup inserted.
  if (c.html) body.innerHTML = c.html;
  else body.append(h('p', { class: 'muted', text: dead ? `(${c.status})` : '' }));
  const why = [c.moderation?.reason, ...(c.moderation?.flagReasons ?? [])].filter(Boolean).join(' · ');
  const card = h(
    'li',
    { class: `card${dead ? ' dead' : ''}`, 'data-id': c.id, 'data-list': list },
    meta,
    why ? h('p', { class: 'why', text: why }) : null,
    body,
  );
  if (!dead) {
    const reason = h('input', {
      type: 'text',
      class: 'reason',
      placeholder: 'Reason (optional)',
      'aria-label': `Reason for acting on ${c.author.name ?? 'this'}'s comment`,
      maxlength: 500,
    });
    const locked = ctx.lockedPages.get(c.pageId) === true;
    card.append(
      h(
        'div',
        { class: 'actions' },
        reason,
        c.status === 'pending' ? button('approve', 'Approve', 'ok') : null,
        button('reject', 'Reject'),
        button('delete', 'Delete', 'danger'),
        c.author.id ? button('ban', 'Ban author', 'danger') : null,
        button('lock', locked ? 'Unlock page' : 'Lock page'),
      ),
    );
  }
  card.append(h('p', { class: 'result', role: 'status' }));
  return card;
}

/** A list of cards kept in sync with the comments it shows. */
export class CardList {
  readonly ids: string[] = [];
  constructor(
    readonly name: string,
    readonly el: HTMLOListElement,
    private readonly counter: HTMLElement,
    private readonly empty: string,
    private readonly max = 200,
  ) {
    this.paintCount();
  }

  /** Whether the list shows a comment. */
  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Adds (at the top or bottom) or refreshes a comment's card. */
  put(c: Comment, ctx: CardContext, at: 'start' | 'end' = 'start'): void {
    const card = renderCard(c, ctx, this.name);
    const old = this.el.querySelector(`li[data-id="${c.id}"]`);
    if (old) old.replaceWith(card);
    else {
      if (at === 'start') {
        this.el.prepend(card);
        this.ids.unshift(c.id);
      } else {
        this.el.append(card);
        this.ids.push(c.id);
      }
      while (this.ids.length > this.max) this.drop(this.ids[this.ids.length - 1]!);
    }
    this.paintCount();
  }

  /** Removes a comment's card. */
  drop(id: string): void {
    this.el.querySelector(`li[data-id="${id}"]`)?.remove();
    const i = this.ids.indexOf(id);
    if (i >= 0) this.ids.splice(i, 1);
    this.paintCount();
  }

  /** Empties the list. */
  clear(): void {
    this.el.replaceChildren();
    this.ids.length = 0;
    this.paintCount();
  }

  private paintCount(): void {
    this.counter.textContent = String(this.ids.length);
    this.el.setAttribute('data-empty', this.ids.length ? 'false' : this.empty);
  }
}
