import type { Connection, Model } from 'mongoose';
import { siteModel, type SiteDoc } from './site.model';
import { toSiteRecord, type SiteRecord } from './sites.mapper';

/** Persistence of sites; returns plain records only. */
export class SitesRepository {
  private readonly Site: Model<SiteDoc>;
  constructor(conn: Connection) {
    this.Site = siteModel(conn);
  }

  /** Ensures the indexes exist. */
  async init(): Promise<void> {
    await this.Site.createCollection().catch(() => undefined);
    await this.Site.createIndexes();
  }

  /** Inserts a site; rejects with a duplicate-key error when the id exists. */
  async insert(doc: Omit<SiteDoc, 'createdAt' | 'updatedAt'>): Promise<SiteRecord> {
    const created = await this.Site.create(doc);
    return toSiteRecord(created.toObject());
  }

  /** One site by id, or null. */
  async find(siteId: string): Promise<SiteRecord | null> {
    const doc = await this.Site.findOne({ siteId }).lean<SiteDoc>();
    return doc ? toSiteRecord(doc) : null;
  }

  /** Every site, by id. */
  async list(): Promise<SiteRecord[]> {
    const docs = await this.Site.find({}).sort({ siteId: 1 }).lean<SiteDoc[]>();
    return docs.map(toSiteRecord);
  }

  /** Applies a `$set`; returns the new record or null when the site is unknown. */
  async update(siteId: string, set: Record<string, unknown>): Promise<SiteRecord | null> {
    const doc = await this.Site.findOneAndUpdate({ siteId }, { $set: set }, { new: true }).lean<SiteDoc>();
    return doc ? toSiteRecord(doc) : null;
  }

  /** Removes the site document; true if it existed. */
  async remove(siteId: string): Promise<boolean> {
    const res = await this.Site.deleteOne({ siteId });
    return res.deletedCount === 1;
  }
}
