import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { requireAdminKey } from '../../http/admin-auth';
import { parseQuery } from '../../validate';
import type { SitesService } from '../sites/sites.service';
import type { WebhooksService } from '../webhooks/webhooks.service';
import { esc } from './mail-templates';
import { MAIL_TEXTS } from './mail-texts';
import type { NotificationsService } from './notifications.service';
import type { SubscriptionsRepository } from './subscriptions.repository';
import type { UnsubscribeTokens } from './unsubscribe-token';

/** What {@link notificationsRouter} is built from. */
export interface NotificationsRouterDeps {
  tokens: UnsubscribeTokens;
  subscriptions: SubscriptionsRepository;
  sites: SitesService;
  notifications: NotificationsService;
  webhooks: WebhooksService;
  adminApiKey: string | null;
}

const tokenQuery = z.object({ t: z.string().min(1).max(2000) });

function page(title: string, body: string, lang: string): string {
  return `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title></head><body style="font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1>${esc(title)}</h1>${body}</body></html>`;
}

/**
 * Unsubscribe without signing in (RFC 8058): `GET /unsubscribe?t=` shows a confirmation page (mail scanners
 * follow links, so GET changes nothing), `POST` (the page's button, or a mail client's one-click
 * `List-Unsubscribe=One-Click`) records the opt-out. Also the operator's dead-letter list.
 */
export function notificationsRouter(deps: NotificationsRouterDeps): Router {
  const r = Router();

  const claimOf = async (t: unknown) => {
    const raw = typeof t === 'string' ? t : '';
    const claim = raw ? deps.tokens.verify(raw) : null;
    const site = claim ? await deps.sites.find(claim.siteId) : null;
    return { claim, site, raw };
  };

  /** A link that does not verify (altered, another server's, a deleted site): a plain page, never a stack trace. */
  const badLink = (res: Response, texts: (typeof MAIL_TEXTS)['en']) =>
    res
      .status(400)
      .type('html')
      .send(page(texts.confirmTitle, `<p>${esc(texts.badLink)}</p>`, 'en'));

  r.get('/unsubscribe', async (req, res) => {
    const { t } = parseQuery(tokenQuery.partial(), req.query);
    const { claim, site, raw } = await claimOf(t);
    const texts = MAIL_TEXTS[site?.language ?? 'en'];
    if (!claim || !site) return void badLink(res, texts);
    const what = claim.scope === '*' ? texts.unsubSite(site.name) : claim.scope === 'mod' ? texts.unsubMod : texts.unsubThread;
    res
      .type('html')
      .send(
        page(
          texts.confirmTitle,
          `<p>${esc(what)}?</p><form method="post" action="?t=${esc(encodeURIComponent(raw))}"><button type="submit">${esc(texts.confirmButton)}</button></form>`,
          site.language,
        ),
      );
  });

  r.post('/unsubscribe', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const { claim, site } = await claimOf(
      (req.query as Record<string, unknown>).t ?? (req.body as Record<string, unknown> | undefined)?.t,
    );
    const texts = MAIL_TEXTS[site?.language ?? 'en'];
    if (!claim || !site) return void badLink(res, texts);
    await deps.subscriptions.optOut(claim.siteId, claim.reader, claim.scope);
    res.type('html').send(page(texts.confirmTitle, `<p>${esc(texts.done)}</p>`, site.language));
  });

  r.get('/notifications/failed', requireAdminKey(deps.adminApiKey), async (_req, res) => {
    const [mail, webhooks] = await Promise.all([deps.notifications.failed(), deps.webhooks.failed()]);
    res.json({ mail, webhooks });
  });

  return r;
}
