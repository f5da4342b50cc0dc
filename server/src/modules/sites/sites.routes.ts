import { Router } from 'express';
import { z } from 'zod';
import { requireAdminKey } from '../../http/admin-auth';
import { parse } from '../../validate';
import { MAX_BODY_CHARS } from '../comments/comments.schemas';
import { toPublicSite, toSiteSettings } from './sites.mapper';
import { createSiteSchema, siteIdSchema, updateSiteSchema } from './sites.schemas';
import type { SitesService } from './sites.service';

const params = z.object({ siteId: siteIdSchema });

/** Admin REST for sites, behind `Authorization: Bearer <ADMIN_API_KEY>`. */
export function sitesRouter(sites: SitesService, adminApiKey: string | null): Router {
  const r = Router();
  const admin = requireAdminKey(adminApiKey);

  r.post('/sites', admin, async (req, res) => {
    const { site, secret } = await sites.create(parse(createSiteSchema, req.body));
    res.status(201).json({ site: toPublicSite(site), secret });
  });

  r.get('/sites', admin, async (_req, res) => {
    res.json({ sites: (await sites.list()).map(toPublicSite) });
  });

  r.get('/sites/:siteId', admin, async (req, res) => {
    const { siteId } = parse(params, req.params);
    res.json({ site: toPublicSite(await sites.get(siteId)) });
  });

  r.patch('/sites/:siteId', admin, async (req, res) => {
    const { siteId } = parse(params, req.params);
    const { site, secret } = await sites.update(siteId, parse(updateSiteSchema, req.body));
    res.json(secret ? { site: toPublicSite(site), secret } : { site: toPublicSite(site) });
  });

  r.delete('/sites/:siteId', admin, async (req, res) => {
    const { siteId } = parse(params, req.params);
    await sites.remove(siteId);
    res.status(204).end();
  });

  return r;
}

/** `GET /sites/:siteId/settings`: the public settings the widget needs (anyone; short cache). */
export function siteSettingsRouter(sites: SitesService): Router {
  const r = Router();
  r.get('/sites/:siteId/settings', async (req, res) => {
    const { siteId } = parse(params, req.params);
    const site = await sites.get(siteId);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json({ settings: toSiteSettings(site, MAX_BODY_CHARS) });
  });
  return r;
}
