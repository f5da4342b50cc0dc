import { Router } from 'express';
import { requireAdminKey } from '../../http/admin-auth';
import { parse, parseQuery } from '../../validate';
import type { WebhooksService } from './webhooks.service';
import { createWebhookSchema, deliveriesQuery, updateWebhookSchema, webhookParams, webhookSiteParams } from './webhooks.schemas';

/** Admin REST for a site's webhooks (README "Webhooks"). */
export function webhooksRouter(webhooks: WebhooksService, adminApiKey: string | null): Router {
  const r = Router();
  const admin = requireAdminKey(adminApiKey);

  r.post('/sites/:siteId/webhooks', admin, async (req, res) => {
    const { siteId } = parse(webhookSiteParams, req.params);
    res.status(201).json(await webhooks.create(siteId, parse(createWebhookSchema, req.body)));
  });

  r.get('/sites/:siteId/webhooks', admin, async (req, res) => {
    const { siteId } = parse(webhookSiteParams, req.params);
    res.json({ webhooks: await webhooks.list(siteId) });
  });

  r.get('/sites/:siteId/webhooks/:id', admin, async (req, res) => {
    const { siteId, id } = parse(webhookParams, req.params);
    res.json({ webhook: await webhooks.get(siteId, id) });
  });

  r.patch('/sites/:siteId/webhooks/:id', admin, async (req, res) => {
    const { siteId, id } = parse(webhookParams, req.params);
    res.json({ webhook: await webhooks.update(siteId, id, parse(updateWebhookSchema, req.body)) });
  });

  r.delete('/sites/:siteId/webhooks/:id', admin, async (req, res) => {
    const { siteId, id } = parse(webhookParams, req.params);
    await webhooks.remove(siteId, id);
    res.status(204).end();
  });

  r.get('/sites/:siteId/webhooks/:id/deliveries', admin, async (req, res) => {
    const { siteId, id } = parse(webhookParams, req.params);
    const { limit } = parseQuery(deliveriesQuery, req.query);
    res.json({ deliveries: await webhooks.deliveries(siteId, id, limit) });
  });

  return r;
}
