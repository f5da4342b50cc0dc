import { Schema, type Connection, type Model } from 'mongoose';
import type { ModerationMode, ProofOfWorkMode, SiteLanguage, SiteLimits } from '@parley/protocol';

/** A site as stored (the secret only in sealed form). */
export interface SiteDoc {
  siteId: string;
  name: string;
  origins: string[];
  secretSealed: string;
  publicKey: string | null;
  guests: boolean;
  moderation: ModerationMode;
  editWindowSec: number;
  maxDepth: number;
  limits: Partial<SiteLimits>;
  blockedWords: string[];
  /** Missing on sites created before trust-and-safety settings existed: `off`. */
  proofOfWork?: ProofOfWorkMode;
  linkHold?: number | null;
  retentionDays?: number | null;
  /** Missing on sites created before notifications existed: `en`, no moderator alerts, no guest addresses. */
  language?: SiteLanguage;
  moderatorEmails?: string[];
  guestEmails?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const siteSchema = new Schema<SiteDoc>(
  {
    siteId: { type: String, required: true },
    name: { type: String, required: true },
    origins: { type: [String], default: [] },
    secretSealed: { type: String, required: true },
    publicKey: { type: String, default: null },
    guests: { type: Boolean, default: false },
    moderation: { type: String, enum: ['post', 'pre', 'first'], default: 'post' },
    editWindowSec: { type: Number, default: 900 },
    maxDepth: { type: Number, default: 3 },
    limits: { type: Schema.Types.Mixed, default: {} },
    blockedWords: { type: [String], default: [] },
    proofOfWork: { type: String, enum: ['off', 'guests', 'untrusted', 'everyone'], default: 'off' },
    linkHold: { type: Number, default: null },
    retentionDays: { type: Number, default: null },
    language: { type: String, enum: ['en', 'es', 'de', 'fr', 'it', 'pt'], default: 'en' },
    moderatorEmails: { type: [String], default: [] },
    guestEmails: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
siteSchema.index({ siteId: 1 }, { unique: true });

/** Registers the Site model on a connection. */
export function siteModel(conn: Connection): Model<SiteDoc> {
  return (conn.models.Site as Model<SiteDoc>) ?? conn.model<SiteDoc>('Site', siteSchema, 'sites');
}
