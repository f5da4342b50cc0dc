import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/** Site id slug (SPEC "Words"). */
export const siteIdSchema = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be 2..40 characters of a-z, 0-9 and -');

const originSchema = z
  .string()
  .max(300)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin such as https://news.example.com')
  .transform((v) => new URL(v).origin);

/** A PEM public key for RS256 (RSA) or ES256 (P-256) reader tokens. */
export const publicKeySchema = z
  .string()
  .max(10_000)
  .refine((pem) => {
    try {
      const key = createPublicKey(pem);
      return (
        key.asymmetricKeyType === 'rsa' ||
        (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      );
    } catch {
      return false;
    }
  }, 'must be a PEM RSA or P-256 EC public key');

/** An email address (reply notifications, moderator alerts): a plain `local@domain`, at most 254 characters. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/, 'must be an email address')
  .transform((v) => v.toLowerCase());

const limit = z.number().int().min(1).max(1_000_000);

/** Per-site limits; each is optional, missing ones take the defaults. */
export const limitsSchema = z
  .object({
    postsPerMinutePerUser: limit,
    postsPerMinutePerIp: limit,
    guestTokensPerHourPerIp: limit,
    flagsPerHourPerUser: limit,
    connectionsPerMinutePerIp: limit,
  })
  .partial();

const siteFields = {
  name: z.string().trim().min(1).max(120),
  origins: z.array(originSchema).max(50),
  publicKey: publicKeySchema.nullable(),
  guests: z.boolean(),
  moderation: z.enum(['post', 'pre', 'first']),
  editWindowSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600),
  maxDepth: z.number().int().min(0).max(10),
  limits: limitsSchema,
  blockedWords: z.array(z.string().trim().min(1).max(64)).max(1000),
  proofOfWork: z.enum(['off', 'guests', 'untrusted', 'everyone']),
  linkHold: z.number().int().min(0).max(1000).nullable(),
  retentionDays: z.number().int().min(1).max(3650).nullable(),
  language: z.enum(['en', 'es', 'de', 'fr', 'it', 'pt']),
  moderatorEmails: z.array(emailSchema).max(20),
  guestEmails: z.boolean(),
};

/** `POST /sites` body. */
export const createSiteSchema = z.object({
  siteId: siteIdSchema,
  name: siteFields.name,
  origins: siteFields.origins.default([]),
  publicKey: siteFields.publicKey.optional(),
  guests: siteFields.guests.default(false),
  moderation: siteFields.moderation.default('post'),
  editWindowSec: siteFields.editWindowSec.default(900),
  maxDepth: siteFields.maxDepth.default(3),
  limits: siteFields.limits.default({}),
  blockedWords: siteFields.blockedWords.default([]),
  proofOfWork: siteFields.proofOfWork.default('off'),
  linkHold: siteFields.linkHold.default(null),
  retentionDays: siteFields.retentionDays.default(null),
  language: siteFields.language.default('en'),
  moderatorEmails: siteFields.moderatorEmails.default([]),
  guestEmails: siteFields.guestEmails.default(false),
});
export type CreateSiteInput = z.infer<typeof createSiteSchema>;

/** `PATCH /sites/:siteId` body: any field but the id; `limits` is merged. */
export const updateSiteSchema = z.object({
  name: siteFields.name.optional(),
  origins: siteFields.origins.optional(),
  publicKey: siteFields.publicKey.optional(),
  guests: siteFields.guests.optional(),
  moderation: siteFields.moderation.optional(),
  editWindowSec: siteFields.editWindowSec.optional(),
  maxDepth: siteFields.maxDepth.optional(),
  limits: siteFields.limits.optional(),
  blockedWords: siteFields.blockedWords.optional(),
  proofOfWork: siteFields.proofOfWork.optional(),
  linkHold: siteFields.linkHold.optional(),
  retentionDays: siteFields.retentionDays.optional(),
  language: siteFields.language.optional(),
  moderatorEmails: siteFields.moderatorEmails.optional(),
  guestEmails: siteFields.guestEmails.optional(),
  rotateSecret: z.boolean().optional(),
});
export type UpdateSiteInput = z.infer<typeof updateSiteSchema>;
