import { z } from 'zod';
import { siteIdSchema } from '../sites/sites.schemas';
import { WEBHOOK_EVENT_TYPES } from '@parley/protocol';
import { urlProblem } from './target-guard';

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((e) => [...new Set(e)]);

const urlSchema = z
  .string()
  .max(2000)
  .superRefine((v, ctx) => {
    const problem = urlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** `POST /sites/:siteId/webhooks` body. */
export const createWebhookSchema = z.object({ url: urlSchema, events: eventsSchema });

/** `PATCH /sites/:siteId/webhooks/:id` body. */
export const updateWebhookSchema = z.object({
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  active: z.boolean().optional(),
});

/** Path of the site's webhook collection. */
export const webhookSiteParams = z.object({ siteId: siteIdSchema });

/** Path of one webhook. */
export const webhookParams = z.object({ siteId: siteIdSchema, id: z.string().regex(/^[0-9a-f]{24}$/, 'must be a webhook id') });

/** `GET …/deliveries` query. */
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });
