import { Types, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from '../../infra/mongo';
import { BanCache, type BanState } from './ban-cache';
import { moderationModels, type AuditDoc, type BanDoc, type TrustDoc } from './moderation.models';
import { initCollections, type IndexPolicy } from '../../infra/mongo';
import { backfillDays, dayOf, latestByDay } from '../../infra/latest-by-day';

/** The one-time backfill's marker in `parley_meta` (audit entries stored before they carried their day). */
const AUDIT_DAYS_MARKER = 'audit-days-v1';

/** An audit entry as the API shows it. */
export interface AuditEntry {
  id: string;
  siteId: string;
  actor: { id: string; name: string };
  action: string;
  target: { type: AuditDoc['targetType']; id: string };
  reason: string | null;
  at: string;
}

/** Persistence of bans, trusted authors and the audit log. */
export class ModerationRepository {
  private readonly Ban: Model<BanDoc>;
  private readonly Trust: Model<TrustDoc>;
  private readonly Audit: Model<AuditDoc>;
  /** Posting checks bans on every comment; see BanCache for the consistency window. */
  private readonly bans: BanCache;
  constructor(conn: Connection) {
    ({ Ban: this.Ban, Trust: this.Trust, Audit: this.Audit } = moderationModels(conn));
    this.bans = new BanCache(async (siteId) => {
      const docs = await this.Ban.find({ siteId }, { _id: 0, userId: 1, until: 1, shadow: 1 }).lean<
        Pick<BanDoc, 'userId' | 'until' | 'shadow'>[]
      >();
      return new Map(docs.map((d) => [d.userId, { until: d.until ?? null, shadow: Boolean(d.shadow) }]));
    });
  }

  /** Ensures collections and indexes exist (see IndexPolicy). */
  async init(policy: IndexPolicy = 'all'): Promise<void> {
    await initCollections([this.Ban, this.Trust, this.Audit] as Model<unknown>[], policy);
    await backfillDays(this.Audit, AUDIT_DAYS_MARKER, {});
  }

  /** Whether a user is banned on a site right now. */
  async isBanned(siteId: string, userId: string, now = new Date()): Promise<boolean> {
    return this.bans.isBanned(siteId, userId, now);
  }

  /** Whether a user is banned openly, in the shadow, or not at all, right now. */
  async banState(siteId: string, userId: string, now = new Date()): Promise<BanState> {
    return this.bans.state(siteId, userId, now);
  }

  /** A user's ban record on a site (for their data export), or null. */
  async banOf(siteId: string, userId: string): Promise<{ until: Date | null; shadow: boolean } | null> {
    const doc = await this.Ban.findOne({ siteId, userId }).lean<BanDoc>();
    return doc ? { until: doc.until ?? null, shadow: Boolean(doc.shadow) } : null;
  }

  /** Forgets that a moderator approved this user (their data was erased). */
  async untrust(siteId: string, userId: string): Promise<void> {
    await this.Trust.deleteMany({ siteId, userId });
  }

  /** Drops this node's cached bans of a site (another node changed them). */
  forgetBans(siteId: string): void {
    this.bans.forget(siteId);
  }

  /** Bans (or re-bans with new terms) a user on a site. */
  async ban(b: Omit<BanDoc, 'createdAt'>): Promise<void> {
    try {
      await this.Ban.updateOne(
        { siteId: b.siteId, userId: b.userId },
        { $set: { ...b, createdAt: new Date() } },
        { upsert: true },
      );
    } finally {
      this.bans.forget(b.siteId);
    }
  }

  /** Lifts a ban; false if there was none. */
  async unban(siteId: string, userId: string): Promise<boolean> {
    try {
      const res = await this.Ban.deleteOne({ siteId, userId });
      return res.deletedCount === 1;
    } finally {
      this.bans.forget(siteId);
    }
  }

  /** Whether a moderator has approved one of this user's comments on the site. */
  async isTrusted(siteId: string, userId: string): Promise<boolean> {
    return (await this.Trust.countDocuments({ siteId, userId }).limit(1)) > 0;
  }

  /** Marks a user as trusted on a site (idempotent). */
  async trust(siteId: string, userId: string, approvedBy: string): Promise<void> {
    await this.Trust.updateOne(
      { siteId, userId },
      { $setOnInsert: { siteId, userId, approvedBy, createdAt: new Date() } },
      { upsert: true },
    ).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }

  /** Appends an audit entry. */
  async audit(entry: Omit<AuditDoc, 'at'>): Promise<void> {
    const _id = new Types.ObjectId();
    await this.Audit.create({ _id, ...entry, at: _id.getTimestamp(), day: dayOf(_id) });
  }

  /** Audit entries of a site, newest first, paged by id. */
  async auditLog(
    siteId: string,
    limit: number,
    beforeId: string | null,
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    // Day by day: `{ siteId }` alone is every entry of the site, which the embedded store would fetch and sort.
    const docs = await latestByDay(this.Audit, { siteId }, beforeId, limit + 1);
    const entries = docs.slice(0, limit).map((d) => ({
      id: d._id.toHexString(),
      siteId: d.siteId,
      actor: { id: d.actorId, name: d.actorName },
      action: d.action,
      target: { type: d.targetType, id: d.targetId },
      reason: d.reason,
      at: d.at.toISOString(),
    }));
    return { entries, nextCursor: docs.length > limit ? entries[entries.length - 1]!.id : null };
  }

  /** Removes every ban, trust mark and audit entry of a site. */
  async purgeSite(siteId: string): Promise<void> {
    await Promise.all([this.Ban.deleteMany({ siteId }), this.Trust.deleteMany({ siteId }), this.Audit.deleteMany({ siteId })]);
    this.bans.forget(siteId);
  }
}
