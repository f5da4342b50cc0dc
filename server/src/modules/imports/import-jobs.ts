import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Schema, type Connection, type Model } from 'mongoose';
import { errors } from '../../errors';
import type { Logger } from '../../logger';
import type { ImportProgress, ImportService } from './import.service';
import type { ImportReport } from './report';
import type { ImportFormat, ReaderOptions } from './source';

/** An import started over REST, as stored (so any node can answer its status). */
export interface ImportJobDoc {
  _id: string;
  siteId: string;
  format: ImportFormat;
  dryRun: boolean;
  status: 'running' | 'done' | 'failed';
  progress: number;
  report: ImportReport | null;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<ImportJobDoc>(
  {
    _id: { type: String, required: true },
    siteId: { type: String, required: true },
    format: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    status: { type: String, required: true },
    progress: { type: Number, required: true },
    report: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

function jobModel(conn: Connection): Model<ImportJobDoc> {
  return (conn.models.ImportJob as Model<ImportJobDoc>) ?? conn.model<ImportJobDoc>('ImportJob', jobSchema, 'imports');
}

/** The public shape of an import job. */
export interface ImportJobView {
  id: string;
  status: ImportJobDoc['status'];
  progress: number;
  report: ImportReport | null;
}

/** What starts a job. */
export interface StartJob extends Partial<ReaderOptions> {
  siteId: string;
  format: ImportFormat;
  dryRun: boolean;
  body: Readable;
}

/** Dependencies of {@link ImportJobs}. */
export interface ImportJobsDeps {
  conn: Connection;
  importer: ImportService;
  logger: Logger;
}

/**
 * Imports started over REST: the request body is spooled to a temporary file
 * (the import reads its input twice), then the run goes on in the background
 * with its progress and report stored, so `GET …/imports/:id` answers on any
 * node. Closing the app stops running jobs between batches (a re-run resumes).
 */
export class ImportJobs {
  private readonly Job: Model<ImportJobDoc>;
  private readonly running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  constructor(private readonly deps: ImportJobsDeps) {
    this.Job = jobModel(deps.conn);
  }

  /** Receives the file and starts the import; resolves once the upload is stored. */
  async start(input: StartJob): Promise<ImportJobView> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'parley-import-'));
    const file = path.join(dir, 'upload');
    try {
      await pipeline(input.body, fs.createWriteStream(file));
      const { size } = await fs.promises.stat(file);
      if (size === 0) throw errors.badRequest('the request body is empty: send the export file as the body');
      const now = new Date();
      const job: ImportJobDoc = {
        _id: randomBytes(12).toString('hex'),
        siteId: input.siteId,
        format: input.format,
        dryRun: input.dryRun,
        status: 'running',
        progress: 0,
        report: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.Job.create(job);
      this.launch(job, input, file, size, dir);
      return { id: job._id, status: job.status, progress: 0, report: null };
    } catch (err) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private launch(job: ImportJobDoc, input: StartJob, file: string, size: number, dir: string): void {
    const stop = new AbortController();
    let lastWrite = 0;
    const onProgress = (p: ImportProgress) => {
      if (Date.now() - lastWrite < 1000) return;
      lastWrite = Date.now();
      void this.Job.updateOne({ _id: job._id }, { $set: { progress: p.percent, updatedAt: new Date() } }).catch(() => undefined);
    };
    const done = this.deps.importer
      .run({
        siteId: job.siteId,
        format: job.format,
        dryRun: job.dryRun,
        pageIdFrom: input.pageIdFrom,
        spam: input.spam,
        open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
        totalBytes: size,
        onProgress,
        signal: stop.signal,
      })
      .then(
        (report) => this.finish(job._id, report.failed ? 'failed' : 'done', report),
        (err: unknown) => {
          this.deps.logger.error({ err, importId: job._id }, 'import failed');
          return this.finish(job._id, 'failed', null);
        },
      )
      .catch((err: unknown) => this.deps.logger.error({ err, importId: job._id }, 'could not record the end of an import'))
      .finally(async () => {
        this.running.delete(job._id);
        await fs.promises.rm(dir, { recursive: true, force: true });
      });
    this.running.set(job._id, { stop, done });
  }

  private async finish(id: string, status: 'done' | 'failed', report: ImportReport | null): Promise<void> {
    await this.Job.updateOne(
      { _id: id },
      { $set: { status, report, progress: status === 'done' ? 100 : 0, updatedAt: new Date() } },
    );
  }

  /** A job of a site, or 404. */
  async get(siteId: string, id: string): Promise<ImportJobView> {
    const job = await this.Job.findOne({ _id: id }).lean<ImportJobDoc>();
    if (!job || job.siteId !== siteId) throw errors.notFound('import');
    return { id: job._id, status: job.status, progress: job.progress, report: job.report ?? null };
  }

  /** Removes a site's job records. */
  async purgeSite(siteId: string): Promise<void> {
    await this.Job.deleteMany({ siteId });
  }

  /** Stops running jobs between batches and waits for them to record their state. */
  async close(): Promise<void> {
    for (const { stop } of this.running.values()) stop.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
