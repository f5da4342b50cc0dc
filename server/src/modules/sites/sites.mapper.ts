import type { Site, SiteSettings } from '@parley/protocol';
import { DEFAULT_LIMITS } from '../rate-limit/limits';
import type { SiteDoc } from './site.model';

/** A site as the server uses it: defaults applied, the secret still sealed. */
export type SiteRecord = Omit<
  SiteDoc,
  'limits' | 'proofOfWork' | 'linkHold' | 'retentionDays' | 'language' | 'moderatorEmails' | 'guestEmails'
> &
  Pick<Site, 'limits' | 'proofOfWork' | 'linkHold' | 'retentionDays' | 'language' | 'moderatorEmails' | 'guestEmails'>;

/** Applies defaults to a stored site. */
export function toSiteRecord(doc: SiteDoc): SiteRecord {
  return {
    siteId: doc.siteId,
    name: doc.name,
    origins: doc.origins ?? [],
    secretSealed: doc.secretSealed,
    publicKey: doc.publicKey ?? null,
    guests: Boolean(doc.guests),
    moderation: doc.moderation ?? 'post',
    editWindowSec: doc.editWindowSec ?? 900,
    maxDepth: doc.maxDepth ?? 3,
    limits: { ...DEFAULT_LIMITS, ...(doc.limits ?? {}) },
    blockedWords: doc.blockedWords ?? [],
    proofOfWork: doc.proofOfWork ?? 'off',
    linkHold: doc.linkHold ?? null,
    retentionDays: doc.retentionDays ?? null,
    language: doc.language ?? 'en',
    moderatorEmails: doc.moderatorEmails ?? [],
    guestEmails: Boolean(doc.guestEmails),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The admin API's view of a site: never the secret. */
export function toPublicSite(site: SiteRecord): Site {
  return {
    siteId: site.siteId,
    name: site.name,
    origins: site.origins,
    publicKey: site.publicKey,
    guests: site.guests,
    moderation: site.moderation,
    editWindowSec: site.editWindowSec,
    maxDepth: site.maxDepth,
    limits: site.limits,
    blockedWords: site.blockedWords,
    proofOfWork: site.proofOfWork,
    linkHold: site.linkHold,
    retentionDays: site.retentionDays,
    language: site.language,
    moderatorEmails: site.moderatorEmails,
    guestEmails: site.guestEmails,
    createdAt: new Date(site.createdAt).toISOString(),
    updatedAt: new Date(site.updatedAt).toISOString(),
  };
}

/** The public view of a site that the widget needs before a reader acts (guests allowed, edit window…). */
export function toSiteSettings(site: SiteRecord, maxBodyChars: number, replyEmails = false): SiteSettings {
  return {
    siteId: site.siteId,
    name: site.name,
    guests: site.guests,
    moderation: site.moderation,
    editWindowSec: site.editWindowSec,
    maxDepth: site.maxDepth,
    maxBodyChars,
    proofOfWork: site.proofOfWork,
    notifications: { replies: replyEmails, guestEmails: replyEmails && site.guests && site.guestEmails },
    language: site.language,
  };
}
