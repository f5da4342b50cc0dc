import type { MailTexts } from './mail-texts';

/** A rendered mail: subject and both parts. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** One comment as a mail shows it. */
export interface MailItem {
  author: string;
  body: string;
  /** For moderator alerts: why it is listed. */
  label?: string;
}

/** Longest excerpt of a comment in a mail, in characters. */
export const EXCERPT_CHARS = 300;

/** The first {@link EXCERPT_CHARS} characters of a comment body, on one line. */
export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

/** Escapes text for HTML. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a mail is made of. */
export interface MailContent {
  subject: string;
  intro: string;
  items: MailItem[];
  link: { href: string; label: string };
  unsubscribe: { href: string; label: string }[];
  texts: MailTexts;
}

/** Renders a mail's plain-text and HTML parts from the same content. */
export function renderMail(c: MailContent): RenderedMail {
  const textItems = c.items.map((i) => `${i.label ? `[${i.label}] ` : ''}${c.texts.replied(i.author)}\n> ${excerpt(i.body)}`);
  const text = [
    c.intro,
    '',
    ...textItems.flatMap((t) => [t, '']),
    `${c.link.label}: ${c.link.href}`,
    '',
    '--',
    ...c.unsubscribe.map((u) => `${u.label}: ${u.href}`),
    '',
  ].join('\n');
  const htmlItems = c.items
    .map(
      (i) =>
        `<p style="margin:16px 0 4px">${i.label ? `<strong>${esc(i.label)}</strong> · ` : ''}${esc(c.texts.replied(i.author))}</p>` +
        `<blockquote style="margin:0;padding:4px 12px;border-left:3px solid #ccc;color:#333">${esc(excerpt(i.body))}</blockquote>`,
    )
    .join('');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;max-width:600px">` +
    `<p>${esc(c.intro)}</p>${htmlItems}` +
    `<p style="margin-top:24px"><a href="${esc(c.link.href)}">${esc(c.link.label)}</a></p>` +
    `<hr style="border:0;border-top:1px solid #ddd"><p style="font-size:12px;color:#666">` +
    c.unsubscribe.map((u) => `<a href="${esc(u.href)}">${esc(u.label)}</a>`).join(' · ') +
    `</p></body></html>`;
  return { subject: c.subject, text, html };
}
