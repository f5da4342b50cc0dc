import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { errors } from '../../errors';
import { deriveKey } from '../sites/secret-box';
import type { SiteRecord } from '../sites/sites.mapper';
import type { SitesService } from '../sites/sites.service';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import type { Principal, Role } from './principal';
import { secretKeyOf, signGuestToken, verifyReaderToken } from './tokens';

/** Dependencies of {@link AuthService}. */
export interface AuthDeps {
  sites: SitesService;
  rateLimits: RateLimitService;
  secretsKey: string;
}

/** Reader identity: token verification, guest tokens and (development only) demo tokens. */
export class AuthService {
  private readonly guestKeys = new Map<string, Buffer>();
  private readonly guestKeyObjects = new Map<string, KeyObject>();
  /** Each site record's parsed verification key; a reloaded record (new secret or key) gets its own. */
  private readonly siteKeys = new WeakMap<SiteRecord, KeyObject>();
  constructor(private readonly deps: AuthDeps) {}

  private guestKey(siteId: string): Buffer {
    let key = this.guestKeys.get(siteId);
    if (!key) {
      key = deriveKey(this.deps.secretsKey, `guest-tokens:${siteId}`);
      this.guestKeys.set(siteId, key);
    }
    return key;
  }

  /** Verifies a reader token for a site (see verifyReaderToken); throws `invalid_token`. */
  verify(site: SiteRecord, token: string): Principal {
    let guestKey = this.guestKeyObjects.get(site.siteId);
    if (!guestKey) {
      guestKey = secretKeyOf(this.guestKey(site.siteId));
      this.guestKeyObjects.set(site.siteId, guestKey);
    }
    const key = this.siteKey(site);
    const keys = site.publicKey ? { publicKey: key ?? site.publicKey, secret: null } : { publicKey: null, secret: key };
    return verifyReaderToken({ siteId: site.siteId, ...keys }, token, guestKey);
  }

  /** The site's key, parsed once per site record; null when the stored public key does not parse (every token then fails). */
  private siteKey(site: SiteRecord): KeyObject | null {
    let key = this.siteKeys.get(site);
    if (!key) {
      try {
        key = site.publicKey ? createPublicKey(site.publicKey) : secretKeyOf(this.deps.sites.secretOf(site));
      } catch {
        return null;
      }
      this.siteKeys.set(site, key);
    }
    return key;
  }

  /** The principal of an optional token: null for anonymous readers. */
  principalFor(site: SiteRecord, token: string | null | undefined): Principal | null {
    return token ? this.verify(site, token) : null;
  }

  /** Authenticates an optional reader token against a site (`404` for an unknown site, `401` for a bad token). */
  async authenticate(siteId: string, token: string | null): Promise<Principal | null> {
    return this.principalFor(await this.deps.sites.get(siteId), token);
  }

  /** Issues a guest token where the site allows guests, rate limited per IP. */
  async guestToken(siteId: string, name: string, ip: string): Promise<{ token: string; expiresAt: string }> {
    const site = await this.deps.sites.get(siteId);
    if (!site.guests) throw errors.forbidden('this site does not allow guest comments');
    await this.deps.rateLimits.enforce('guestTokensPerHourPerIp', site.limits, `${siteId}:${ip}`);
    return signGuestToken(siteId, name, this.guestKey(siteId));
  }

  /** Development only: signs a token as the site's own backend would. */
  async devToken(
    siteId: string,
    user: { sub: string; name: string; roles?: Role[] },
  ): Promise<{ token: string; expiresAt: string }> {
    const site = await this.deps.sites.get(siteId);
    if (site.publicKey) throw errors.badRequest('this site verifies tokens with a public key; sign them with its private key');
    const exp = Math.floor(Date.now() / 1000) + 12 * 3600;
    const token = jwt.sign({ ...user, site: siteId, exp }, this.deps.sites.secretOf(site), { algorithm: 'HS256' });
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
