import type { Site } from '@parley/protocol';
import { algorithmForKey } from '../modules/auth/tokens';

/** Writes one block of text to stdout (the CLI's answer; notices go to stderr). */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Machine-readable output for `--json`. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function tokenCheck(site: Site): string {
  return site.publicKey ? `${algorithmForKey(site.publicKey)} with the configured public key` : 'HS256 with the site secret';
}

/** Every field of a site (never its secret), one per line. */
export function describeSite(site: Site): string {
  const limits = Object.entries(site.limits)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const rows: [string, string][] = [
    ['siteId', site.siteId],
    ['name', site.name],
    ['origins', site.origins.length ? site.origins.join(', ') : '(none: browsers are refused in production)'],
    ['reader tokens', tokenCheck(site)],
    ['guests', site.guests ? 'allowed' : 'not allowed'],
    ['moderation', site.moderation],
    ['editWindowSec', String(site.editWindowSec)],
    ['maxDepth', String(site.maxDepth)],
    ['limits', limits],
    ['blockedWords', site.blockedWords.length ? `${site.blockedWords.length} word(s)` : '(none)'],
    ['created', site.createdAt],
    ['updated', site.updatedAt],
  ];
  return rows.map(([k, v]) => `  ${`${k}:`.padEnd(15)} ${v}`).join('\n');
}

/** One line per site for `site list`. */
export function siteTable(sites: Site[]): string {
  if (!sites.length)
    return 'No sites yet. Create one with: npm run parley -- site create --id news --name "Daily News" --origin https://news.example.com';
  const header = ['SITE', 'NAME', 'GUESTS', 'MODERATION', 'ORIGINS'];
  const rows = sites.map((s) => [s.siteId, s.name, s.guests ? 'yes' : 'no', s.moderation, s.origins.join(' ') || '-']);
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/**
 * The secret, shown exactly once, framed by a warning: Parley stores it only
 * in encrypted form and can never show it again, only rotate it.
 */
export function secretNotice(siteId: string, secret: string, rotated: boolean): string {
  return [
    '',
    rotated
      ? `New secret of site "${siteId}". The old secret no longer verifies tokens (running servers drop it from their cache within 5 seconds).`
      : `Secret of site "${siteId}".`,
    'STORE IT NOW in your site backend configuration: it is shown only this once and cannot be read back, only rotated.',
    'Your backend signs reader tokens (HS256 JWT) with it.',
    '',
    `  ${secret}`,
    '',
  ].join('\n');
}
