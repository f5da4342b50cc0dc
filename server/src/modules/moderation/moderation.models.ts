import { Schema, type Connection, type Model } from 'mongoose';

/** A ban of a user on a site; `until` null means until lifted. Expiry is checked in queries (no TTL index on FerretDB). */
export interface BanDoc {
  siteId: string;
  userId: string;
  until: Date | null;
  reason: string | null;
  by: string;
  /** A shadow ban: the user keeps writing, nobody else sees it (missing on older bans: false). */
  shadow?: boolean;
  createdAt: Date;
}

/** A user of a site whose comments publish at once under `moderation: "first"`. */
export interface TrustDoc {
  siteId: string;
  userId: string;
  approvedBy: string;
  createdAt: Date;
}

/** One moderator action. */
export interface AuditDoc {
  siteId: string;
  actorId: string;
  actorName: string;
  action: string;
  targetType: 'comment' | 'user' | 'page';
  targetId: string;
  reason: string | null;
  at: Date;
  /** `YYYY-MM-DD` (UTC) of the entry: the log is read day by day (see infra/latest-by-day.ts). */
  day?: string;
}

const banSchema = new Schema<BanDoc>(
  {
    siteId: { type: String, required: true },
    userId: { type: String, required: true },
    until: { type: Date, default: null },
    reason: { type: String, default: null },
    by: { type: String, required: true },
    shadow: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
banSchema.index({ siteId: 1, userId: 1 }, { unique: true, name: 'site_user' });

const trustSchema = new Schema<TrustDoc>(
  {
    siteId: { type: String, required: true },
    userId: { type: String, required: true },
    approvedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
trustSchema.index({ siteId: 1, userId: 1 }, { unique: true, name: 'site_user' });

const auditSchema = new Schema<AuditDoc>(
  {
    siteId: { type: String, required: true },
    actorId: { type: String, required: true },
    actorName: { type: String, required: true },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    reason: { type: String, default: null },
    at: { type: Date, required: true },
    day: { type: String },
  },
  { versionKey: false },
);
auditSchema.index({ siteId: 1, _id: -1 }, { name: 'site_recent' });

/** Registers the moderation models on a connection. */
export function moderationModels(conn: Connection): { Ban: Model<BanDoc>; Trust: Model<TrustDoc>; Audit: Model<AuditDoc> } {
  return {
    Ban: (conn.models.Ban as Model<BanDoc>) ?? conn.model<BanDoc>('Ban', banSchema, 'bans'),
    Trust: (conn.models.Trust as Model<TrustDoc>) ?? conn.model<TrustDoc>('Trust', trustSchema, 'trusted_authors'),
    Audit: (conn.models.Audit as Model<AuditDoc>) ?? conn.model<AuditDoc>('Audit', auditSchema, 'audit_log'),
  };
}
