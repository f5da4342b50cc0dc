import { Router } from 'express';
import { requireAdminKey } from '../../http/admin-auth';
import { parse, parseQuery } from '../../validate';
import type { SitesService } from '../sites/sites.service';
import type { ExportService } from './export.service';
import type { ImportJobs } from './import-jobs';
import { importJobParams, importQuerySchema, importSiteParams } from './imports.schemas';

/** Dependencies of {@link importsRouter}. */
export interface ImportsRouterDeps {
  jobs: ImportJobs;
  exporter: ExportService;
  sites: SitesService;
  adminApiKey: string | null;
}

/**
 * Admin REST for imports and exports. Mounted before the JSON body parser:
 * the import body is the export file itself, streamed to disk, so the 32 KiB
 * limit of the rest of the API does not apply to it.
 */
export function importsRouter(deps: ImportsRouterDeps): Router {
  const r = Router();
  const admin = requireAdminKey(deps.adminApiKey);

  r.post('/sites/:siteId/imports', admin, async (req, res) => {
    const { siteId } = parse(importSiteParams, req.params);
    const q = parseQuery(importQuerySchema, req.query);
    await deps.sites.get(siteId);
    const job = await deps.jobs.start({
      siteId,
      format: q.format,
      dryRun: q.dryRun === 'true',
      pageIdFrom: q.pageId,
      spam: q.spam,
      body: req,
    });
    res.status(202).json({ import: { id: job.id, status: job.status } });
  });

  r.get('/sites/:siteId/imports/:id', admin, async (req, res) => {
    const { siteId, id } = parse(importJobParams, req.params);
    res.json({ import: await deps.jobs.get(siteId, id) });
  });

  r.get('/sites/:siteId/export', admin, async (req, res) => {
    const { siteId } = parse(importSiteParams, req.params);
    await deps.sites.get(siteId);
    res.status(200).type('application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="${siteId}.ndjson"`);
    try {
      await deps.exporter.write(siteId, res);
      res.end();
    } catch (err) {
      // Headers are gone: all a client can be told now is that the stream broke.
      res.destroy(err as Error);
    }
  });

  return r;
}
