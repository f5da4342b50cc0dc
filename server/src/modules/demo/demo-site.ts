import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { SitesService } from '../sites/sites.service';

/** Id of the site created in development mode. */
export const DEMO_SITE_ID = 'demo';

/**
 * Development only: creates the demo site (guests allowed) on first start. Another node
 * starting at the same moment may create it first; that is success too, not a failed start.
 */
export async function ensureDemoSite(sites: SitesService, logger: Logger): Promise<void> {
  if (await sites.find(DEMO_SITE_ID)) return;
  try {
    await createDemo(sites);
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      // The other node won: drop the miss this node cached a moment ago, or it would answer 404 for a while.
      sites.forget(DEMO_SITE_ID);
      return;
    }
    throw err;
  }
  logger.info({ siteId: DEMO_SITE_ID }, 'created the demo site "demo" (guests allowed, proof of work for guests)');
}

function createDemo(sites: SitesService) {
  return sites.create({
    siteId: DEMO_SITE_ID,
    name: 'Parley demo',
    origins: [],
    guests: true,
    moderation: 'post',
    editWindowSec: 900,
    maxDepth: 3,
    limits: {},
    blockedWords: [],
    // Recommended for any site that lets guests post: bulk spam pays in CPU, readers never see a puzzle.
    proofOfWork: 'guests',
    linkHold: 2,
    retentionDays: 30,
    language: 'en',
    moderatorEmails: [],
    // The demo lets guests try reply emails (they show up in the log with SMTP_URL=log:).
    guestEmails: true,
  });
}
