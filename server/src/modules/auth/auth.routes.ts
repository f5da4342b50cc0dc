import { Router } from 'express';
import { z } from 'zod';
import { clientIp } from '../../http/request';
import { parse } from '../../validate';
import { siteIdSchema } from '../sites/sites.schemas';
import type { AuthService } from './auth.service';

const params = z.object({ siteId: siteIdSchema });
const guestBody = z.object({ name: z.string().trim().min(1).max(64) });

/** `POST /sites/:siteId/guest-token`. */
export function authRouter(auth: AuthService): Router {
  const r = Router();
  r.post('/sites/:siteId/guest-token', async (req, res) => {
    const { siteId } = parse(params, req.params);
    const { name } = parse(guestBody, req.body);
    res.status(201).json(await auth.guestToken(siteId, name, clientIp(req)));
  });
  return r;
}

const devBody = z.object({
  siteId: siteIdSchema.default('demo'),
  role: z.enum(['reader', 'moderator']).default('reader'),
  name: z.string().trim().min(1).max(64).optional(),
});

/**
 * Development only (never mounted in production): signs demo reader and
 * moderator tokens as a site's backend would, for the demo and moderation pages.
 */
export function devAuthRouter(auth: AuthService): Router {
  const r = Router();
  r.post('/dev/token', async (req, res) => {
    const { siteId, role, name } = parse(devBody, req.body);
    const user =
      role === 'moderator'
        ? { sub: 'demo-moderator', name: name ?? 'Demo Moderator', roles: ['moderator' as const] }
        : { sub: 'demo-reader', name: name ?? 'Demo Reader' };
    res.status(201).json(await auth.devToken(siteId, user));
  });
  return r;
}
