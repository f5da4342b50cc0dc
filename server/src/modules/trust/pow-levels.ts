/**
 * Difficulty levels of proof of work: the solver's counter is drawn from
 * `[min, max]`, so a solver needs about `(min + max) / 2` PBKDF2 attempts
 * (1,000 iterations each). Each level doubles the work of the one before.
 */
export const POW_LEVELS: readonly { min: number; max: number }[] = [
  { min: 500, max: 1000 },
  { min: 1000, max: 2000 },
  { min: 2000, max: 4000 },
  { min: 4000, max: 8000 },
  { min: 8000, max: 16000 },
];

/** Posts from one IP on one site in a minute that add one level. */
export const IP_BURST_STEP = 3;
/** Posts on one site in a minute (all IPs) that add one level. */
export const SITE_BURST_STEP = 30;

/** The level that the current minute's counters call for; it falls back as their windows pass. */
export function powLevel(ipPosts: number, sitePosts: number): number {
  const level = Math.max(Math.floor(ipPosts / IP_BURST_STEP), Math.floor(sitePosts / SITE_BURST_STEP));
  return Math.min(POW_LEVELS.length - 1, Math.max(0, level));
}
