import { Router } from 'express';
import { z } from 'zod';
import { bearerToken, keyMatches } from '../../http/admin-auth';
import { parse } from '../../validate';
import { AppError, errors } from '../../errors';
import type { AuthService } from '../auth/auth.service';
import { isAdmin } from '../auth/principal';
import { siteIdSchema } from '../sites/sites.schemas';
import type { SitesService } from '../sites/sites.service';
import type { ModerationRepository } from './moderation.repository';
import { auditQuerySchema } from './moderation.schemas';

/** `GET /sites/:siteId/audit`: the admin API key, or a reader token with the `admin` role of that site. */
export function moderationRouter(deps: {
  repo: ModerationRepository;
  sites: SitesService;
  auth: AuthService;
  adminApiKey: string | null;
}): Router {
  const r = Router();
  r.get('/sites/:siteId/audit', async (req, res) => {
    const { siteId } = parse(z.object({ siteId: siteIdSchema }), req.params);
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('invalid_token', 'an admin API key or admin token is required');
    const site = await deps.sites.get(siteId);
    const byKey = deps.adminApiKey !== null && keyMatches(token, deps.adminApiKey);
    if (!byKey && !isAdmin(deps.auth.verify(site, token))) throw errors.forbidden('the audit log is for admins');
    const { limit, cursor } = parse(auditQuerySchema, req.query);
    res.json(await deps.repo.auditLog(siteId, limit, cursor ?? null));
  });
  return r;
}
