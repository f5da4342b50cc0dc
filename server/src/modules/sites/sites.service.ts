import { errors } from '../../errors';
import type { DomainEvents } from '../../domain-events';
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

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/** Site management and the cached site lookup used on every request. */
export class SitesService {
  private readonly cache = new Map<string, { site: SiteRecord | null; at: number }>();
  /** Lookups in flight: a burst of handshakes on a cold node shares one store query per site. */
  private readonly loading = new Map<string, Promise<SiteRecord | null>>();
  private origins: { set: Promise<ReadonlySet<string>>; at: number } | null = null;
  private readonly ttl: number;
  constructor(private readonly deps: SitesServiceDeps) {
    // Short enough that a CLI change (which cannot notify running nodes) applies within seconds.
    this.ttl = deps.cacheTtlMs ?? 5_000;
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
  async find(siteId: string): Promise<SiteRecord | null> {
    const hit = this.cache.get(siteId);
    if (hit && Date.now() - hit.at < this.ttl) return hit.site;
    const pending = this.loading.get(siteId);
    if (pending) return pending;
    const load = this.deps.repo.find(siteId).then((site) => {
      // Cached only if no change notice dropped this lookup meanwhile (see forget).
      if (this.loading.get(siteId) === load) {
        this.cache.set(siteId, { site, at: Date.now() });
        if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
      }
      return site;
    });
    this.loading.set(siteId, load);
    void load.then(
      () => this.loading.get(siteId) === load && this.loading.delete(siteId),
      () => this.loading.get(siteId) === load && this.loading.delete(siteId),
    );
    return load;
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
  async allOrigins(): Promise<ReadonlySet<string>> {
    if (!this.origins || Date.now() - this.origins.at >= this.ttl) {
      const set = this.deps.repo.list().then((all) => new Set(all.flatMap((s) => s.origins)));
      this.origins = { set, at: Date.now() };
      // A failed load must not be cached: the next request tries again.
      set.catch(() => (this.origins = null));
    }
    return this.origins.set;
  }

  /** Drops a site from this node's cache (called on change notices from other nodes too). */
  forget(siteId: string): void {
    this.cache.delete(siteId);
    this.loading.delete(siteId);
    this.origins = null;
  }
}
