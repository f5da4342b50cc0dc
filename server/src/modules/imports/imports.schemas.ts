import { z } from 'zod';
import { siteIdSchema } from '../sites/sites.schemas';
import { IMPORT_FORMATS } from './source';

/** Path parameters of a site's import routes. */
export const importSiteParams = z.object({ siteId: siteIdSchema });

/** `GET /sites/:siteId/imports/:id`. */
export const importJobParams = z.object({ siteId: siteIdSchema, id: z.string().regex(/^[0-9a-f]{24}$/, 'must be an import id') });

/** `POST /sites/:siteId/imports` query. */
export const importQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  dryRun: z.enum(['true', 'false']).default('false').describe('Read and report without writing'),
  pageId: z.enum(['link', 'identifier']).default('link').describe('Disqus: page id from the thread link path or its identifier'),
  spam: z.enum(['keep', 'skip']).default('keep').describe('Spam and trash: kept as rejected, or skipped'),
});
