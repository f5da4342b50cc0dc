/** Roles a reader token may carry. */
export type Role = 'moderator' | 'admin';

/** Who is making a request, as proven by a reader token. */
export interface Principal {
  userId: string;
  name: string;
  avatar: string | null;
  guest: boolean;
  roles: Role[];
}

/**
 * Who acts, as the adapter (REST route or socket handshake) authenticated
 * them: the site their credential was checked against, the client IP, and the
 * reader (null: anonymous). Services take this and know nothing of tokens.
 */
export interface ActorContext {
  siteId: string;
  ip: string;
  principal: Principal | null;
}

/** Whether the principal may moderate the site the token was checked against. */
export function isModerator(p: Principal | null | undefined): boolean {
  return Boolean(p && (p.roles.includes('moderator') || p.roles.includes('admin')));
}

/** Whether the principal is a site admin. */
export function isAdmin(p: Principal | null | undefined): boolean {
  return Boolean(p && p.roles.includes('admin'));
}
