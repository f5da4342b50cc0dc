import type { ModerationMode } from '@parley/protocol';
import { errors, type AppError } from '../../errors';

/** Everything a publication check may look at; gathered once per write. */
export interface CheckInput {
  site: { moderation: ModerationMode; guests: boolean; blockedWords: string[]; linkHold?: number | null };
  /** `untrusted`: a guest, or a reader no moderator has approved a comment of on this site. */
  author: { guest: boolean; moderator: boolean; banned: boolean; trusted: boolean; untrusted?: boolean };
  page: { locked: boolean };
  body: string;
}

/** A check's outcome: refuse the write, hold it for a moderator, or carry on. */
export type Verdict = { kind: 'refuse'; error: AppError } | { kind: 'hold'; reason: string } | { kind: 'pass' };

/** One small, pure publication rule. */
export type Check = (input: CheckInput) => Verdict;

const PASS: Verdict = { kind: 'pass' };

/** Guests may only write where the site (still) allows guests. */
export const guestsAllowed: Check = ({ site, author }) =>
  author.guest && !site.guests ? { kind: 'refuse', error: errors.forbidden('this site does not allow guest comments') } : PASS;

/** Banned users cannot write. */
export const notBanned: Check = ({ author }) => (author.banned ? { kind: 'refuse', error: errors.banned() } : PASS);

/** Locked pages take no new writes, except from moderators. */
export const pageOpen: Check = ({ page, author }) =>
  page.locked && !author.moderator ? { kind: 'refuse', error: errors.locked() } : PASS;

/** Escapes a word for use in a regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first blocked word found in a text (case-insensitive, whole words), or null. */
export function findBlockedWord(text: string, words: string[]): string | null {
  for (const word of words) {
    const w = word.trim();
    if (!w) continue;
    if (new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(w)}($|[^\\p{L}\\p{N}])`, 'iu').test(text)) return w;
  }
  return null;
}

/** A comment containing one of the site's blocked words waits for a moderator. */
export const blockedWords: Check = ({ site, author, body }) => {
  if (author.moderator) return PASS;
  const word = findBlockedWord(body, site.blockedWords);
  return word ? { kind: 'hold', reason: `contains a blocked word ("${word}")` } : PASS;
};

/** Web links in a comment body: `http(s)://…` and `www.…` (markdown links count once, by their URL). */
export function countLinks(body: string): number {
  return body.match(/(?:\bhttps?:\/\/|\bwww\.)[^\s<>()[\]]+/gi)?.length ?? 0;
}

/** Where the site sets `linkHold: N`, a comment of an untrusted author with more than N links waits for a moderator. */
export const linkHold: Check = ({ site, author, body }) => {
  if (site.linkHold === null || site.linkHold === undefined || author.moderator || !author.untrusted) return PASS;
  const links = countLinks(body);
  return links > site.linkHold
    ? { kind: 'hold', reason: `${links} links from an untrusted author (this site holds more than ${site.linkHold})` }
    : PASS;
};

/** The site's moderation mode: `pre` holds all, `first` holds until one is approved. */
export const moderationMode: Check = ({ site, author }) => {
  if (author.moderator) return PASS;
  if (site.moderation === 'pre') return { kind: 'hold', reason: 'pre-moderation' };
  if (site.moderation === 'first' && !author.trusted) return { kind: 'hold', reason: 'first comment of this author' };
  return PASS;
};

/** Checks for new comments, in order; the first verdict that is not `pass` wins. */
export const POST_CHECKS: readonly Check[] = [guestsAllowed, notBanned, pageOpen, blockedWords, linkHold, moderationMode];
/** Checks for edits, reactions and flags. */
export const WRITE_CHECKS: readonly Check[] = [guestsAllowed, notBanned, pageOpen];

/** Runs checks in order. */
export function runChecks(checks: readonly Check[], input: CheckInput): Verdict {
  for (const check of checks) {
    const verdict = check(input);
    if (verdict.kind !== 'pass') return verdict;
  }
  return PASS;
}
