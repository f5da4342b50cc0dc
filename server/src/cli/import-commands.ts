import fs from 'node:fs';
import { Command, Option } from 'commander';
import { ExportService } from '../modules/imports/export.service';
import { boundImportHeap } from '../modules/imports/import-heap';
import { ImportService } from '../modules/imports/import.service';
import { ImportWriter } from '../modules/imports/import-writer';
import { formatReport } from '../modules/imports/report';
import { IMPORT_FORMATS, type ImportFormat } from '../modules/imports/source';
import type { WithContext } from './site-commands';
import { progressPrinter } from './progress';

interface ImportOptions {
  site: string;
  format: ImportFormat;
  dryRun?: boolean;
  json?: boolean;
  pageId: 'link' | 'identifier';
  spam: 'keep' | 'skip';
}

/** `parley import …`: imports a file of another comment system (or a Parley export) into a site. */
export function importCommand(withContext: WithContext): Command {
  return new Command('import')
    .description('import comments from a Disqus, WordPress, Commento, Remark42 or Parley export file')
    .argument('<file>', 'the export file')
    .requiredOption('--site <siteId>', 'the site to import into')
    .addOption(new Option('--format <format>', 'the file format').choices([...IMPORT_FORMATS]).makeOptionMandatory())
    .option('--dry-run', 'read and report, write nothing')
    .option('--json', 'print the report as JSON')
    .addOption(
      new Option('--page-id <from>', 'Disqus: page id from the thread link path or its identifier')
        .choices(['link', 'identifier'])
        .default('link'),
    )
    .addOption(
      new Option('--spam <what>', 'spam and trash: keep as rejected (moderators see them) or skip')
        .choices(['keep', 'skip'])
        .default('keep'),
    )
    .action(async (file: string, o: ImportOptions) => {
      const size = fs.statSync(file).size; // a missing file fails here, before the store starts
      boundImportHeap();
      await withContext(async (ctx) => {
        const service = new ImportService({
          writer: new ImportWriter(ctx.conn),
          maxDepthOf: async (siteId) => (await ctx.sites.get(siteId)).maxDepth,
        });
        const report = await service.run({
          siteId: o.site,
          format: o.format,
          open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
          totalBytes: size,
          dryRun: Boolean(o.dryRun),
          pageIdFrom: o.pageId,
          spam: o.spam,
          onProgress: progressPrinter(process.stderr),
        });
        process.stdout.write(`${o.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
        // Printed on stderr as `parley: …` with exit status 1, after the report.
        if (report.failed) throw new Error(report.failed.message);
      });
    });
}

/** `parley export …`: writes a site as Parley NDJSON to a file or stdout. */
export function exportCommand(withContext: WithContext): Command {
  return new Command('export')
    .description('export a site (pages and comments of every status) as Parley NDJSON, re-importable')
    .requiredOption('--site <siteId>', 'the site to export')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: { site: string; out?: string }) => {
      await withContext(async (ctx) => {
        await ctx.sites.get(o.site);
        const out = o.out ? fs.createWriteStream(o.out) : process.stdout;
        const n = await new ExportService(ctx.conn).write(o.site, out);
        if (o.out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
        process.stderr.write(`Exported ${n} comments of site "${o.site}"${o.out ? ` to ${o.out}` : ''}\n`);
      });
    });
}
