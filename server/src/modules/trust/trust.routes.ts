import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { requireAdminKey } from '../../http/admin-auth';
import { clientIp, restContext } from '../../http/request';
import type { AuthService } from '../auth/auth.service';
import { parse } from '../../validate';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import { siteIdSchema } from '../sites/sites.schemas';
import type { SitesService } from '../sites/sites.service';
import type { ProofOfWork } from './pow.service';
import type { PrivacyService } from './privacy.service';

const siteParams = z.object({ siteId: siteIdSchema });
/** `:userId` of the admin data routes: any reader id (a token's `sub`, 1..128 characters). */
export const userParamsSchema = z.object({ siteId: siteIdSchema, userId: z.string().min(1).max(128) });

/** Dependencies of {@link trustRouter}. */
export interface TrustRouterDeps {
  sites: SitesService;
  auth: Pick<AuthService, 'authenticate'>;
  pow: ProofOfWork;
  privacy: PrivacyService;
  rateLimits: RateLimitService;
  adminApiKey: string | null;
}

/** Proof-of-work challenges and readers' data rights (REST). */
export function trustRouter(deps: TrustRouterDeps): Router {
  const r = Router();
  const admin = requireAdminKey(deps.adminApiKey);
  // The signed-in reader's user id on the site (their bearer token), or `401`.
  const readerOf = async (req: Request, siteId: string): Promise<string> => {
    const { principal } = await restContext(req, siteId, deps.auth);
    if (!principal) throw new AppError('invalid_token', 'sign in to see or erase your data');
    return principal.userId;
  };

  r.get('/sites/:siteId/challenge', async (req, res) => {
    const { siteId } = parse(siteParams, req.params);
    const site = await deps.sites.get(siteId);
    const ip = clientIp(req);
    // Making a challenge costs the server one key derivation: its own budget, the connection limit's size.
    await deps.rateLimits.enforce('connectionsPerMinutePerIp', site.limits, `${siteId}:${ip}:challenge`);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await deps.pow.challenge(site, ip));
  });

  r.get('/sites/:siteId/me/export', async (req, res) => {
    const { siteId } = parse(siteParams, req.params);
    const userId = await readerOf(req, siteId);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await deps.privacy.export(siteId, userId));
  });

  r.delete('/sites/:siteId/me', async (req, res) => {
    const { siteId } = parse(siteParams, req.params);
    const userId = await readerOf(req, siteId);
    res.json({ erased: await deps.privacy.erase(siteId, userId) });
  });

  r.get('/sites/:siteId/users/:userId/export', admin, async (req, res) => {
    const { siteId, userId } = parse(userParamsSchema, req.params);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await deps.privacy.export(siteId, userId));
  });

  r.delete('/sites/:siteId/users/:userId', admin, async (req, res) => {
    const { siteId, userId } = parse(userParamsSchema, req.params);
    res.json({ erased: await deps.privacy.erase(siteId, userId) });
  });

  return r;
}
