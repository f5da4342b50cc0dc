import { h, randomId, show } from './dom';
import { fmt, type WidgetTexts } from './texts';

/** Longest comment body the server accepts (SPEC "Input rules"). */
export const MAX_CHARS = 5000;

/** Which form: the page's post form, a reply under a comment, or an edit of one. */
export type ComposerKind = 'post' | 'reply' | 'edit';

/** A comment form and its parts. */
export interface Composer {
  kind: ComposerKind;
  form: HTMLFormElement;
  textarea: HTMLTextAreaElement;
  name: HTMLInputElement | null;
  submit: HTMLButtonElement;
  error: HTMLElement;
}

/** Options of {@link createComposer}. */
export interface ComposerOptions {
  kind: ComposerKind;
  texts: WidgetTexts;
  /** Ask for a display name (a guest without a token yet). */
  askName: boolean;
  /** Shown as "Commenting as …" when signed in. */
  viewerName: string | null;
  initial?: string;
  /** Offer "Email me when someone replies" (the server sends reply emails and an address is known). */
  offerNotify?: boolean;
  /** Ask a guest for an optional address for reply emails (the site allows it). */
  askEmail?: boolean;
}

/** Characters as the server counts them (code points), so the counter and the limit agree. */
export function charCount(value: string): number {
  return Array.from(value.trim()).length;
}

/** Builds a labelled comment form with a character counter and markdown hints. */
export function createComposer(o: ComposerOptions): Composer {
  const t = o.texts;
  const id = randomId('f');
  const name = o.askName
    ? h('input', { type: 'text', id: `${id}-n`, name: 'name', maxlength: 64, autocomplete: 'nickname', required: true })
    : null;
  const textarea = h('textarea', {
    id: `${id}-t`,
    name: 'body',
    rows: o.kind === 'post' ? 4 : 3,
    placeholder: t.placeholder,
    'aria-describedby': `${id}-h ${id}-c`,
  });
  textarea.value = o.initial ?? '';
  const counter = h('span', { class: 'counter', id: `${id}-c`, text: `${charCount(textarea.value)}/${MAX_CHARS}` });
  const submit = h('button', {
    type: 'submit',
    class: 'primary',
    text: o.kind === 'edit' ? t.save : o.kind === 'reply' ? t.reply : t.post,
  });
  const error = h('span', { class: 'error', role: 'alert', hidden: true });
  const email = o.askEmail
    ? h('input', { type: 'email', id: `${id}-e`, name: 'email', maxlength: 254, autocomplete: 'email' })
    : null;
  const notify =
    o.offerNotify || email
      ? h(
          'div',
          { class: 'field check' },
          h('input', { type: 'checkbox', id: `${id}-m`, name: 'notify' }),
          h('label', { for: `${id}-m`, text: t.notifyReplies }),
        )
      : null;
  const label = o.kind === 'post' ? t.label : o.kind === 'reply' ? `${t.reply}: ${t.label.toLowerCase()}` : t.edit;
  const form = h(
    'form',
    { 'data-form': o.kind, novalidate: true },
    name ? h('div', { class: 'field' }, h('label', { for: name.id, text: t.nameLabel }), name) : null,
    email ? h('div', { class: 'field' }, h('label', { for: email.id, text: t.emailLabel }), email) : null,
    h('div', { class: 'field' }, h('label', { for: textarea.id, text: label }), textarea),
    h('div', { class: 'meta' }, h('span', { class: 'hints', id: `${id}-h`, text: t.hints }), counter),
    notify,
    error,
    // Honeypot: hidden from people (and assistive technology), filled by form-stuffing bots.
    o.kind === 'edit'
      ? null
      : h(
          'div',
          { class: 'hp', 'aria-hidden': 'true' },
          h('label', { for: `${id}-w`, text: t.honeypotLabel }),
          h('input', { type: 'text', id: `${id}-w`, name: 'website', tabindex: -1, autocomplete: 'off' }),
        ),
    h(
      'div',
      { class: 'row' },
      o.viewerName && o.kind === 'post'
        ? h('span', { class: 'as', text: fmt(t.signedInAs, { name: o.viewerName }) })
        : h('span', { class: 'as' }),
      o.kind === 'post' ? null : h('button', { type: 'button', class: 'secondary', 'data-act': 'cancel', text: t.cancel }),
      submit,
    ),
  );
  return { kind: o.kind, form, textarea, name, submit, error };
}

/** Updates a form's counter after input (red past the limit). */
export function updateCounter(form: HTMLFormElement, texts: WidgetTexts): void {
  const textarea = form.querySelector('textarea');
  const counter = form.querySelector<HTMLElement>('.counter');
  if (!textarea || !counter) return;
  const n = charCount(textarea.value);
  counter.textContent = `${n}/${MAX_CHARS}`;
  counter.toggleAttribute('data-over', n > MAX_CHARS);
  counter.title = n > MAX_CHARS ? texts.tooLong : '';
}

/** Shows (or clears, with '') a form's error message. */
export function setFormError(form: HTMLFormElement, message: string): void {
  const el = form.querySelector<HTMLElement>('.error');
  if (!el) return;
  el.textContent = message;
  show(el, Boolean(message));
}

/** Disables or enables every control of a form. */
export function setFormDisabled(form: HTMLFormElement, disabled: boolean): void {
  for (const el of Array.from(
    form.querySelectorAll<HTMLButtonElement | HTMLTextAreaElement | HTMLInputElement>('button,textarea,input'),
  )) {
    el.disabled = disabled;
  }
}
