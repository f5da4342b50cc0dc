/**
 * Who the reader is, as far as the widget needs to know for display choices.
 * The token payload is decoded without verification: the server enforces
 * every permission; this only decides which buttons to show.
 */

/** The reader as the widget sees them. */
export interface Viewer {
  id: string;
  name: string;
  guest: boolean;
  moderator: boolean;
  /** The token's `email` claim: where reply emails would go (null: none, so no checkbox). */
  email: string | null;
}

/** Decodes a JWT's payload into a viewer, or null when there is no usable token. */
export function viewerOf(token: string | null | undefined): Viewer | null {
  if (!token) return null;
  try {
    const part = token.split('.')[1] ?? '';
    const json = decodeURIComponent(
      Array.from(
        atob(part.replace(/-/g, '+').replace(/_/g, '/')),
        (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      ).join(''),
    );
    const p = JSON.parse(json) as { sub?: unknown; name?: unknown; roles?: unknown; exp?: unknown; email?: unknown };
    if (typeof p.sub !== 'string') return null;
    if (typeof p.exp === 'number' && p.exp * 1000 < Date.now()) return null;
    const roles = Array.isArray(p.roles) ? p.roles : [];
    return {
      id: p.sub,
      name: typeof p.name === 'string' ? p.name : '',
      guest: p.sub.startsWith('guest:'),
      moderator: roles.includes('moderator') || roles.includes('admin'),
      email: typeof p.email === 'string' && p.email.includes('@') ? p.email : null,
    };
  } catch {
    return null;
  }
}

const key = (siteId: string) => `parley:guest:${siteId}`;

/** The guest token remembered for a site, if still valid. Storage may be blocked (privacy modes): then nothing is remembered. */
export function loadGuestToken(siteId: string): string | null {
  try {
    const raw = localStorage.getItem(key(siteId));
    if (!raw) return null;
    const { token, expiresAt } = JSON.parse(raw) as { token: string; expiresAt: string };
    if (Date.parse(expiresAt) - 60_000 > Date.now()) return token;
    localStorage.removeItem(key(siteId));
  } catch {
    // Unavailable or corrupt storage: behave as a first visit.
  }
  return null;
}

/** Remembers (or forgets, with null) the guest token of a site. */
export function saveGuestToken(siteId: string, value: { token: string; expiresAt: string } | null): void {
  try {
    if (value) localStorage.setItem(key(siteId), JSON.stringify(value));
    else localStorage.removeItem(key(siteId));
  } catch {
    // Storage blocked: the token lives for this page view only.
  }
}
