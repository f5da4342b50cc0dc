/**
 * Every text the widget shows; one catalog per language in `locales/`. Site
 * owners replace any of them with `texts`; plural texts hold "one|other" forms
 * and `{n}`. The form is chosen by `Intl.PluralRules` of the catalog's locale
 * and `{n}` is written by `Intl.NumberFormat` (so "1 234" in French).
 */
import { de } from './locales/de';
import { en } from './locales/en';
import { es } from './locales/es';
import { fr } from './locales/fr';
import { it } from './locales/it';
import { pt } from './locales/pt';

/** The replaceable texts of the widget. */
export interface WidgetTexts {
  /** The BCP 47 language the catalog is written in (plurals and numbers follow it). */
  locale: string;
  region: string;
  count: string;
  loading: string;
  loadFailed: string;
  empty: string;
  sortLabel: string;
  newest: string;
  oldest: string;
  top: string;
  reading: string;
  newComments: string;
  announceNew: string;
  loadMore: string;
  showReplies: string;
  label: string;
  placeholder: string;
  hints: string;
  nameLabel: string;
  signedInAs: string;
  post: string;
  reply: string;
  cancel: string;
  save: string;
  edit: string;
  delete: string;
  confirmDelete: string;
  flag: string;
  flagReason: string;
  flagSend: string;
  flagged: string;
  like: string;
  sending: string;
  failed: string;
  retry: string;
  pending: string;
  edited: string;
  deleted: string;
  guest: string;
  moderator: string;
  locked: string;
  needName: string;
  guestsOff: string;
  posted: string;
  /** Live-region text while the widget proves work for the site's spam check. */
  workStarted: string;
  workReady: string;
  yourData: string;
  downloadData: string;
  eraseData: string;
  eraseConfirm: string;
  erased: string;
  honeypotLabel: string;
  /** The post form's reply-email checkbox, and a guest's optional address field. */
  notifyReplies: string;
  emailLabel: string;
  reconnecting: string;
  justNow: string;
  tooLong: string;
  /** The header's link to the page's Atom feed, and its accessible name. */
  feed: string;
  feedLabel: string;
}

export { de, en, es, fr, it, pt };

/** The shipped languages, by primary language subtag. */
export const LANGUAGES: Record<string, WidgetTexts> = { en, es, fr, de, pt, it };

/** Texts for a language (falling back to English), with the site owner's replacements applied. */
export function textsFor(lang: string | undefined, overrides: Partial<WidgetTexts> = {}): WidgetTexts {
  const base = LANGUAGES[(lang ?? 'en').split(/[-_]/)[0]!.toLowerCase()] ?? en;
  return { ...base, ...overrides };
}

const plurals = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();

function cached<T>(cache: Map<string, T>, locale: string, make: (l: string) => T): T {
  let found = cache.get(locale);
  if (!found) {
    try {
      found = make(locale);
    } catch {
      // An invalid locale tag from a site owner's override: English rules rather than an exception.
      found = make('en');
    }
    cache.set(locale, found);
  }
  return found;
}

/**
 * Fills `{n}` / `{name}`-style placeholders. A plural text ("one|other") takes
 * its first form when `Intl.PluralRules` says `one` for `n` in `locale`, the
 * second otherwise; `{n}` is formatted for `locale`.
 */
export function fmt(text: string, vars: Record<string, string | number> = {}, locale = 'en'): string {
  const forms = text.split('|');
  const n = vars.n;
  const one = typeof n === 'number' && cached(plurals, locale, (l) => new Intl.PluralRules(l)).select(n) === 'one';
  const form = forms.length > 1 && typeof n === 'number' ? (one ? forms[0]! : forms[1]!) : forms[0]!;
  return form.replace(/\{(\w+)\}/g, (m, k: string) => {
    if (!(k in vars)) return m;
    const v = vars[k]!;
    return typeof v === 'number' ? cached(numbers, locale, (l) => new Intl.NumberFormat(l)).format(v) : v;
  });
}
