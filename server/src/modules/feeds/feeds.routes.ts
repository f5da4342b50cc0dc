import { Router, type Request } from 'express';
import { z } from 'zod';
import { parse } from '../../validate';
import { pageParamsSchema } from '../comments/comments.schemas';
import { siteIdSchema } from '../sites/sites.schemas';
import type { FeedsService } from './feeds.service';

const ATOM = 'application/atom+xml; charset=utf-8';

/** The public origin links in a feed point to: PUBLIC_URL, else the origin the request came in on. */
function baseOf(req: Request, publicUrl: string | null): string {
  return (publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

/** REST adapters of the Atom feeds (anyone may read them, like the listings). */
export function feedsRouter(feeds: FeedsService, publicUrl: string | null): Router {
  const r = Router();

  r.get('/sites/:siteId/pages/:pageId/feed.atom', async (req, res) => {
    const { siteId, pageId } = parse(pageParamsSchema, req.params);
    const xml = await feeds.pageFeed(siteId, pageId, baseOf(req, publicUrl));
    res.type(ATOM).set('Cache-Control', 'public, max-age=60').send(xml);
  });

  r.get('/sites/:siteId/feed.atom', async (req, res) => {
    const { siteId } = parse(z.object({ siteId: siteIdSchema }), req.params);
    const xml = await feeds.siteFeed(siteId, baseOf(req, publicUrl));
    res.type(ATOM).set('Cache-Control', 'public, max-age=60').send(xml);
  });

  return r;
}
