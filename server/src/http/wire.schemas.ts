import { z } from 'zod';
import {
  ERROR_STATUS,
  WEBHOOK_EVENT_TYPES,
  type Comment,
  type CommentPage,
  type CountsResponse,
  type ErrorCode,
  type ErrorResponse,
  type GuestTokenResponse,
  type Site,
  type SiteSettings,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
} from '@parley/protocol';

/*
 * Zod descriptions of response bodies, used for the OpenAPI document (and its response tests).
 * Each `satisfies` ties a schema to its type in the wire contract: a field the protocol
 * requires and the schema lacks, or a type that differs, fails the build.
 */

/** Every error code, in the protocol's order. */
const errorCodes = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    retryAfterMs: z.number().int().optional(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
}) satisfies z.ZodType<ErrorResponse>;

/** The public comment JSON. */
export const commentSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  pageId: z.string(),
  parentId: z.string().nullable(),
  depth: z.number().int().min(0),
  author: z.object({ id: z.string().nullable(), name: z.string().nullable(), avatar: z.string().nullable(), guest: z.boolean() }),
  body: z.string(),
  html: z.string(),
  status: z.enum(['visible', 'pending', 'deleted', 'rejected']),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  replyCount: z.number().int().min(0),
  reactions: z.object({ like: z.number().int().min(0) }),
  viewer: z.object({ reacted: z.array(z.enum(['like'])) }).optional(),
  moderation: z
    .object({
      reason: z.string().nullable().optional(),
      flagCount: z.number().int().optional(),
      flagReasons: z.array(z.string()).optional(),
      /** Written under a shadow ban: nobody but its author and moderators sees it. */
      shadow: z.boolean().optional(),
    })
    .optional(),
}) satisfies z.ZodType<Comment>;

export const commentResponse = z.object({ comment: commentSchema }) satisfies z.ZodType<{ comment: Comment }>;
/** One page of a listing; `total` counts differently at the top level and for replies. */
export const commentPageResponse = z.object({
  comments: z.array(commentSchema),
  nextCursor: z
    .string()
    .nullable()
    .describe('Opaque cursor of the next page (base64url of the sort key and id); null on the last page.'),
  total: z
    .number()
    .int()
    .min(0)
    .describe(
      "Top level: the page's visible comment count at every level (the same number as /counts and page:join). With parentId: the parent's replyCount.",
    ),
}) satisfies z.ZodType<CommentPage>;
export const countsResponse = z.object({
  counts: z.record(z.string(), z.number().int().min(0)),
}) satisfies z.ZodType<CountsResponse>;
export const flagResponse = z.object({
  flag: z.object({ commentId: z.string(), reason: z.string(), createdAt: z.iso.datetime() }),
});
export const tokenResponse = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
}) satisfies z.ZodType<GuestTokenResponse>;

const limits = z.object({
  postsPerMinutePerUser: z.number().int(),
  postsPerMinutePerIp: z.number().int(),
  guestTokensPerHourPerIp: z.number().int(),
  flagsPerHourPerUser: z.number().int(),
  connectionsPerMinutePerIp: z.number().int(),
});
export const siteSchema = z.object({
  siteId: z.string(),
  name: z.string(),
  origins: z.array(z.string()),
  publicKey: z.string().nullable(),
  guests: z.boolean(),
  moderation: z.enum(['post', 'pre', 'first']),
  editWindowSec: z.number().int(),
  maxDepth: z.number().int(),
  limits,
  blockedWords: z.array(z.string()),
  proofOfWork: z.enum(['off', 'guests', 'untrusted', 'everyone']),
  linkHold: z.number().int().nullable(),
  retentionDays: z.number().int().nullable(),
  language: z.enum(['en', 'es', 'de', 'fr', 'it', 'pt']),
  moderatorEmails: z.array(z.string()),
  guestEmails: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}) satisfies z.ZodType<Site>;
export const siteResponse = z.object({ site: siteSchema, secret: z.string().optional() });
export const sitesResponse = z.object({ sites: z.array(siteSchema) });
export const auditResponse = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      actor: z.object({ id: z.string(), name: z.string() }),
      action: z.string(),
      target: z.object({ type: z.enum(['comment', 'user', 'page']), id: z.string() }),
      reason: z.string().nullable(),
      at: z.iso.datetime(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** `GET /sites/:siteId/settings`. */
export const settingsResponse = z.object({
  settings: z.object({
    siteId: z.string(),
    name: z.string(),
    guests: z.boolean(),
    moderation: z.enum(['post', 'pre', 'first']),
    editWindowSec: z.number().int(),
    maxDepth: z.number().int(),
    maxBodyChars: z.number().int(),
    proofOfWork: z.enum(['off', 'guests', 'untrusted', 'everyone']),
    notifications: z.object({ replies: z.boolean(), guestEmails: z.boolean() }),
    language: z.enum(['en', 'es', 'de', 'fr', 'it', 'pt']),
  }),
}) satisfies z.ZodType<{ settings: SiteSettings }>;

/** `POST /sites/:siteId/imports` (202). */
export const importStartedResponse = z.object({
  import: z.object({ id: z.string(), status: z.enum(['running', 'done', 'failed']) }),
});

const count = z.number().int().min(0);
/** The report of an import (CLI `--json` prints the same object). */
export const importReport = z.object({
  format: z.enum(['disqus', 'wordpress', 'commento', 'remark42', 'parley']),
  dryRun: z.boolean(),
  threads: z.object({ seen: count, imported: count }),
  comments: z.object({ seen: count, imported: count, alreadyPresent: count, skipped: z.record(z.string(), count) }),
  orphans: z.object({ count, items: z.array(z.object({ id: z.string(), reason: z.string(), position: z.string() })) }),
  errors: z.object({ count, items: z.array(z.object({ message: z.string(), position: z.string() })) }),
  failed: z.object({ message: z.string() }).nullable().describe('Set when the run stopped: malformed input, with its position'),
  durationMs: count,
});

/** `GET /sites/:siteId/imports/:id`. */
export const importJobResponse = z.object({
  import: z.object({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    progress: z.number().min(0).max(100),
    report: importReport.nullable(),
  }),
});

/** `GET /sites/:siteId/challenge`: a signed ALTCHA v2 challenge. */
export const challengeResponse = z.object({
  challenge: z.object({
    parameters: z.object({
      algorithm: z.literal('PBKDF2/SHA-256'),
      nonce: z.string(),
      salt: z.string(),
      cost: z.number().int(),
      keyLength: z.number().int(),
      keyPrefix: z.string(),
      keySignature: z.string().optional(),
      expiresAt: z.number().int().optional(),
      data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    }),
    signature: z.string(),
  }),
  level: z.number().int().min(0),
  expectedAttempts: z.number().int().min(1),
});

/** `GET /sites/:siteId/me/export` and the admin export of one user. */
export const dataExportResponse = z.object({
  siteId: z.string(),
  userId: z.string(),
  exportedAt: z.iso.datetime(),
  comments: z.array(
    z.object({
      id: z.string(),
      pageId: z.string(),
      parentId: z.string().nullable(),
      status: z.enum(['visible', 'pending', 'deleted', 'rejected']),
      authorName: z.string(),
      authorAvatar: z.string().nullable(),
      body: z.string(),
      createdAt: z.iso.datetime(),
      editedAt: z.iso.datetime().nullable(),
    }),
  ),
  reactions: z.array(z.object({ commentId: z.string(), type: z.string(), createdAt: z.iso.datetime() })),
  flags: z.array(z.object({ commentId: z.string(), pageId: z.string(), reason: z.string(), createdAt: z.iso.datetime() })),
  subscriptions: z.array(z.object({ commentId: z.string(), pageId: z.string(), email: z.string() })),
  moderation: z.object({ banned: z.boolean(), banUntil: z.iso.datetime().nullable(), trusted: z.boolean() }),
});

/** `DELETE /sites/:siteId/me` and the admin erasure of one user. */
export const erasureResponse = z.object({
  erased: z.object({
    comments: z.object({ tombstoned: z.number().int().min(0), removed: z.number().int().min(0) }),
    reactions: z.number().int().min(0),
    flags: z.number().int().min(0),
    subscriptions: z.number().int().min(0),
  }),
});

const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
/** A webhook as the admin API shows it (never its secret). */
export const webhookSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  url: z.string(),
  events: z.array(webhookEventType),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}) satisfies z.ZodType<Webhook>;
/** `POST /sites/:siteId/webhooks` (201): the only response that shows the signing secret. */
export const webhookCreatedResponse = z.object({ webhook: webhookSchema, secret: z.string() });
export const webhookResponse = z.object({ webhook: webhookSchema });
export const webhooksResponse = z.object({ webhooks: z.array(webhookSchema) });
/** `GET …/webhooks/:id/deliveries`: recent attempts, newest first. */
export const deliveriesResponse = z.object({
  deliveries: z.array(
    z.object({
      deliveryId: z.string(),
      eventId: z.string(),
      type: webhookEventType,
      attempt: z.number().int().min(1),
      at: z.iso.datetime(),
      status: z.number().int().nullable(),
      ok: z.boolean(),
      durationMs: z.number().int().min(0),
      excerpt: z.string().max(256),
    }) satisfies z.ZodType<WebhookDelivery>,
  ),
});
/** The body POSTed to a webhook (documented for receivers; not a response of this API). */
export const webhookEventBody = z.object({
  id: z.string(),
  type: webhookEventType,
  createdAt: z.iso.datetime(),
  siteId: z.string(),
  data: z.object({
    comment: commentSchema.optional(),
    flag: z.object({ reason: z.string(), flagCount: z.number().int(), createdAt: z.iso.datetime() }).optional(),
    user: z.object({ id: z.string(), until: z.iso.datetime().nullable(), reason: z.string().nullable() }).optional(),
    page: z.object({ pageId: z.string(), locked: z.boolean() }).optional(),
  }),
}) satisfies z.ZodType<WebhookEvent>;
/** `GET /notifications/failed`: the dead letters of both queues. */
export const failedJobsResponse = z.object({
  mail: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      siteId: z.string(),
      attempts: z.number().int(),
      reason: z.string(),
      failedAt: z.iso.datetime().nullable(),
    }),
  ),
  webhooks: z.array(
    z.object({
      id: z.string(),
      webhookId: z.string(),
      siteId: z.string(),
      type: z.string(),
      attempts: z.number().int(),
      reason: z.string(),
    }),
  ),
});
