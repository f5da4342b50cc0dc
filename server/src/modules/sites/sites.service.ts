import { errors } from '../../errors';
import type { DomainEvents } from '../../domain-events';
import { isDuplicateKey } from '../../infra/mongo';
import { TtlCache } from '../../infra/ttl-cache';
import { newSiteSecret, type SecretBox } from './secret-box';
import type { SitesRepository } from './sites.repository';
import type { SiteRecord } from './sites.mapper';
import type { CreateSiteInput, UpdateSiteInput } from './sites.schemas';

/** Removes every record of a site from one collection family. */
export type SitePurger = (siteId: string) => Promise<void>;

/** Dependencies of {@link SitesService}. */
export interface SitesServiceDeps {
  repo: SitesRepository;
  box: SecretBox;
  events: DomainEvents;
  purgers: SitePurger[];
  /** How long a site stays cached on this node without a change notice. */
  cacheTtlMs?: number;
}

/** Site management and the cached site lookup used on every request. */
export class SitesService {
  /** Sites by id (a missing site is cached too); a burst of handshakes on a cold node shares one store query per site. */
  private readonly cache: TtlCache<SiteRecord | null>;
  /** The origins of every site, under one key. */
  private readonly origins: TtlCache<ReadonlySet<string>>;
  constructor(private readonly deps: SitesServiceDeps) {
    // Short enough that a CLI change (which cannot notify running nodes) applies within seconds.
    const ttlMs = deps.cacheTtlMs ?? 5_000;
    this.cache = new TtlCache({ ttlMs, maxEntries: 10_000 });
    this.origins = new TtlCache({ ttlMs, maxEntries: 1 });
  }

  /** Creates a site and returns it with its secret, the only time the secret is shown. */
  async create(input: CreateSiteInput): Promise<{ site: SiteRecord; secret: string }> {
    const secret = newSiteSecret();
    try {
      const site = await this.deps.repo.insert({
        ...input,
        publicKey: input.publicKey ?? null,
        secretSealed: this.deps.box.seal(secret),
      });
      this.forget(site.siteId);
      return { site, secret };
    } catch (err) {
      if (isDuplicateKey(err)) throw errors.conflict(`site "${input.siteId}" already exists`);
      throw err;
    }
  }

  /** All sites. */
  list(): Promise<SiteRecord[]> {
    return this.deps.repo.list();
  }

  /** A site, from this node's short cache. */
  find(siteId: string): Promise<SiteRecord | null> {
    return this.cache.get(siteId, () => this.deps.repo.find(siteId));
  }

  /** A site or `404 not_found`. */
  async get(siteId: string): Promise<SiteRecord> {
    const site = await this.find(siteId);
    if (!site) throw errors.notFound('site');
    return site;
  }

  /** Changes fields (limits merged); with `rotateSecret` also returns the new secret. */
  async update(siteId: string, input: UpdateSiteInput): Promise<{ site: SiteRecord; secret?: string }> {
    const { rotateSecret, limits, ...fields } = input;
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) set[key] = value;
    for (const [key, value] of Object.entries(limits ?? {})) if (value !== undefined) set[`limits.${key}`] = value;
    let secret: string | undefined;
    if (rotateSecret) {
      secret = newSiteSecret();
      set.secretSealed = this.deps.box.seal(secret);
    }
    const site = Object.keys(set).length ? await this.deps.repo.update(siteId, set) : await this.deps.repo.find(siteId);
    if (!site) throw errors.notFound('site');
    this.forget(siteId);
    this.deps.events.emit('site.changed', { siteId });
    return secret ? { site, secret } : { site };
  }

  /** Deletes a site with all its pages, comments, reactions, flags, bans and audit log. */
  async remove(siteId: string): Promise<void> {
    const existed = await this.deps.repo.remove(siteId);
    if (!existed) throw errors.notFound('site');
    this.forget(siteId);
    // The site document goes first so no new write can start; then its data.
    await Promise.all(this.deps.purgers.map((purge) => purge(siteId)));
    this.deps.events.emit('site.deleted', { siteId });
  }

  /** The site's HS256 secret in clear, for token verification only. */
  secretOf(site: SiteRecord): string {
    return this.deps.box.open(site.secretSealed);
  }

  /**
   * The browser origins of every site (for routes such as `/comments/:id` that
   * do not name their site), cached like single sites.
   */
  allOrigins(): Promise<ReadonlySet<string>> {
    return this.origins.get('all', async () => new Set((await this.deps.repo.list()).flatMap((s) => s.origins)));
  }

  /** Drops a site from this node's cache (called on change notices from other nodes too). */
  forget(siteId: string): void {
    this.cache.forget(siteId);
    this.origins.clear();
  }
}
