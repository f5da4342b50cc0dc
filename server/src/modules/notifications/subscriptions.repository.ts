import type { Connection, Model } from 'mongoose';
import { initCollections, isDuplicateKey, type IndexPolicy } from '../../infra/mongo';
import { optOutModel, subscriptionModel, type OptOutDoc, type SubscriptionDoc } from './subscription.model';

/** A subscription as the services see it. */
export type SubscriptionRecord = SubscriptionDoc;

/** Persistence of reply subscriptions and opt-outs; every query is a top-level equality (STORE-NOTES). */
export class SubscriptionsRepository {
  private readonly Sub: Model<SubscriptionDoc>;
  private readonly OptOut: Model<OptOutDoc>;
  constructor(conn: Connection) {
    this.Sub = subscriptionModel(conn);
    this.OptOut = optOutModel(conn);
  }

  /** Creates the collections and their indexes. */
  init(policy: IndexPolicy = 'all'): Promise<void> {
    return initCollections([this.Sub, this.OptOut] as Model<unknown>[], policy);
  }

  /** Stores a subscription; a second one for the same comment is a no-op. */
  async add(sub: SubscriptionRecord): Promise<void> {
    try {
      await this.Sub.create(sub);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The subscription of one comment (its author's), if any. */
  async ofComment(commentId: string): Promise<SubscriptionRecord | null> {
    return this.Sub.findOne({ commentId }, { _id: 0 }).lean<SubscriptionRecord>();
  }

  /** A reader's subscriptions on one page (by their keyed address). */
  async ofReaderOnPage(siteId: string, pageId: string, reader: string): Promise<SubscriptionRecord[]> {
    return this.Sub.find({ siteId, reader, pageId }, { _id: 0 }).lean<SubscriptionRecord[]>();
  }

  /** A user's subscriptions on a site (privacy export). */
  async ofUser(siteId: string, userId: string): Promise<SubscriptionRecord[]> {
    return this.Sub.find({ siteId, userId }, { _id: 0 }).sort({ createdAt: 1 }).lean<SubscriptionRecord[]>();
  }

  /** Removes a user's subscriptions on a site (privacy erasure); returns how many. */
  async removeUser(siteId: string, userId: string): Promise<number> {
    return (await this.Sub.deleteMany({ siteId, userId })).deletedCount;
  }

  /** Records an opt-out and drops the subscriptions it covers (`*`: all of the site; a pageId: that thread). */
  async optOut(siteId: string, reader: string, scope: string): Promise<void> {
    try {
      await this.OptOut.create({ key: `${reader}|${scope}`, siteId, reader, scope, createdAt: new Date() });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (scope === 'mod') return;
    await this.Sub.deleteMany(scope === '*' ? { siteId, reader } : { siteId, reader, pageId: scope });
  }

  /** Whether any of these scopes is opted out for the reader. */
  async optedOut(reader: string, scopes: string[]): Promise<boolean> {
    for (const scope of scopes) if (await this.OptOut.exists({ key: `${reader}|${scope}` })) return true;
    return false;
  }

  /** Removes everything of a deleted site. */
  async purgeSite(siteId: string): Promise<void> {
    await Promise.all([this.Sub.deleteMany({ siteId }), this.OptOut.deleteMany({ siteId })]);
  }
}
