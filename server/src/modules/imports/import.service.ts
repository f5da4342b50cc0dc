import type { Types } from 'mongoose';
import type { CommentDoc } from '../comments/comment.model';
import { idOf, toDoc, type DocContext } from './import-docs';
import type { ImportPage, ImportWriter } from './import-writer';
import { ImportPlan } from './plan';
import { READERS } from './readers';
import { addError, addOrphan, countSkip, emptyReport, type ImportReport } from './report';
import {
  ImportFormatError,
  ownString,
  type ImportFormat,
  type ReaderOptions,
  type SourceAuthor,
  type SourceItem,
} from './source';

/** Where a run is; `percent` weighs the reading pass as 30 % and the writing pass as 70 %. */
export interface ImportProgress {
  phase: 'scan' | 'write' | 'counters' | 'done';
  percent: number;
  threads: number;
  comments: number;
  imported: number;
  bytes: number;
  totalBytes: number | null;
}

/** One import run. */
export interface ImportInput extends Partial<ReaderOptions> {
  siteId: string;
  format: ImportFormat;
  /** Opens the file; called twice (the plan pass, then the write pass). */
  open: () => AsyncIterable<Buffer | string>;
  totalBytes: number | null;
  dryRun?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /** Stops between batches; what was written stays consistent. */
  signal?: AbortSignal;
}

/** Dependencies of {@link ImportService}. */
export interface ImportDeps {
  writer: ImportWriter;
  /** The site's depth cap (and that it exists). */
  maxDepthOf(siteId: string): Promise<number>;
}

const BATCH_DOCS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Batches being written at once. The store commits each in steps of 100
 * documents (FerretDB's insert batch), one synced transaction each, and the
 * importing process is idle most of that time: four more batches on
 * other connections keep the store busy through those waits.
 */
const WRITES_IN_FLIGHT = 5;
const PIECE_BYTES = 64 * 1024;

/**
 * Imports a file of another comment system into a site in two streaming
 * passes: the first plans every comment's place (ids, parents, depth,
 * tombstones, orphans, reply counts) keeping no text; the second writes
 * batches. Idempotent (ids derive from the source) and additive (never
 * updates or removes a comment but for counters). Nothing is broadcast.
 */
export class ImportService {
  constructor(private readonly deps: ImportDeps) {}

  /** Runs an import; malformed input ends it with `report.failed` set and counters consistent. */
  async run(input: ImportInput): Promise<ImportReport> {
    const started = Date.now();
    const dryRun = input.dryRun ?? false;
    const report = emptyReport(input.format, dryRun);
    const run = new Run(this.deps, input, report);
    try {
      await run.execute();
    } catch (err) {
      if (!(err instanceof ImportFormatError) && !input.signal?.aborted) throw err;
      report.failed = { message: err instanceof ImportFormatError ? err.message : 'stopped before the end' };
    } finally {
      report.durationMs = Date.now() - started;
    }
    return report;
  }
}

class Run {
  private readonly plan = new ImportPlan();
  private readonly threads = new Map<string, Omit<ImportPage, 'pageId'> & { pageId: string }>();
  private readonly authors = new Map<string, SourceAuthor>();
  private readonly opts: ReaderOptions;
  private readonly touchedPages = new Set<string>();
  /** Page ids (store `_id`) by pageId, of the site's pages known to this run. */
  private pages = new Map<string, Types.ObjectId>();
  /** Visible comments the plan puts on each page (a page this run creates starts with it). */
  private readonly planned = new Map<string, number>();
  private readonly createdPages = new Set<string>();
  /** Visible comments added to pages that existed before the run, written once at the end. */
  private readonly deltas = new Map<Types.ObjectId, number>();
  /** Batches being written; each settles without rejecting (a failure is kept in `failure`). */
  private readonly inflight = new Set<Promise<void>>();
  private failure: { err: unknown } | null = null;
  /** Page creation, one batch after another in file order, each before its batch's comments. */
  private pagesDone: Promise<void> = Promise.resolve();
  private exportSite: string | null = null;
  private bytes = 0;
  private phase: ImportProgress['phase'] = 'scan';
  private batch: { doc: CommentDoc }[] = [];
  private batchBytes = 0;

  constructor(
    private readonly deps: ImportDeps,
    private readonly input: ImportInput,
    private readonly report: ImportReport,
  ) {
    this.opts = { pageIdFrom: input.pageIdFrom ?? 'link', spam: input.spam ?? 'keep' };
  }

  async execute(): Promise<void> {
    const maxDepth = await this.deps.maxDepthOf(this.input.siteId);
    for await (const item of this.read()) this.scan(item);
    this.plan.skipUnknownThreads((key) => this.threads.has(key));
    this.plan.resolve(maxDepth);
    this.plan.forEachVisible((key) => {
      const pageId = this.threads.get(key)!.pageId;
      this.planned.set(pageId, (this.planned.get(pageId) ?? 0) + 1);
    });
    const ctx: DocContext = {
      siteId: this.input.siteId,
      format: this.input.format,
      sameSite: this.exportSite === this.input.siteId,
      authors: this.authors,
    };
    // Only a dry run looks up what is stored (one scan); a real run lets the unique indexes say it.
    const existing = this.input.dryRun
      ? await this.deps.writer.existingIds(this.input.siteId, this.input.format === 'parley' ? null : this.input.format)
      : new Set<string>();
    this.pages = this.input.dryRun ? new Map() : await this.deps.writer.pageIds(this.input.siteId);
    this.phase = 'write';
    try {
      for await (const item of this.read()) {
        if (item.kind === 'comment') await this.write(ctx, item, existing);
      }
      await this.flush();
    } finally {
      // Stopped or failed halfway: the batches being written still finish, and existing pages get their additions.
      await Promise.all(this.inflight);
      if (!this.input.dryRun) await this.deps.writer.addVisible(this.deltas);
    }
    if (this.failure) throw this.failure.err;
    // A fresh run's counters are exact by construction (reply counts and new pages' totals planned,
    // existing pages' additions written above). A re-run or resumed run (something was already there)
    // recounts what it touched from the store: an interrupted run leaves planned totals ahead of what
    // it stored, and additions to existing pages unwritten.
    if (!this.input.dryRun && this.report.comments.alreadyPresent > 0) {
      this.phase = 'counters';
      this.progress();
      await this.deps.writer.recount(this.input.siteId, this.touchedPages, this.pages);
    }
    this.report.threads.imported = this.touchedPages.size;
    this.phase = 'done';
    this.progress();
  }

  private async *read(): AsyncGenerator<SourceItem> {
    this.bytes = 0;
    const counted = this.counted();
    let n = 0;
    for await (const item of READERS[this.input.format](counted, this.opts)) {
      yield item;
      if (++n % 200 === 0) {
        if (this.input.signal?.aborted) throw new Error('aborted');
        this.progress();
      }
    }
    this.progress();
  }

  /**
   * The file in pieces of at most {@link PIECE_BYTES}: a reader decodes each
   * piece to a string, and a string of more than V8's regular object size
   * (128 KiB) is born in the old generation, where the dead ones of a 400 MB
   * file pile up until a full collection (hundreds of MiB of RSS); smaller
   * ones die young and cheaply.
   */
  private async *counted(): AsyncGenerator<Buffer | string> {
    for await (const chunk of this.input.open()) {
      if (typeof chunk === 'string' || chunk.length <= PIECE_BYTES) {
        this.bytes += chunk.length;
        yield chunk;
        continue;
      }
      for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
        const piece = chunk.subarray(at, at + PIECE_BYTES);
        this.bytes += piece.length;
        yield piece;
      }
    }
  }

  private scan(item: SourceItem): void {
    if (item.kind === 'header') this.exportSite = item.siteId;
    else if (item.kind === 'thread') {
      if (!this.threads.has(item.key)) this.report.threads.seen++;
      // Kept for the whole run: copies, so no chunk of the file they were cut from stays alive with them.
      const own = (s: string | null) => (s === null ? null : ownString(s));
      this.threads.set(ownString(item.key), {
        pageId: ownString(item.pageId),
        title: own(item.title),
        url: own(item.url),
        locked: item.locked,
      });
    } else if (item.kind === 'author') {
      const a = item.author;
      this.authors.set(ownString(item.key), {
        ...a,
        id: ownString(a.id),
        name: ownString(a.name),
        avatar: a.avatar === null ? null : ownString(a.avatar),
        ...(a.email === undefined ? {} : { email: ownString(a.email) }),
        ...(a.url === undefined ? {} : { url: ownString(a.url) }),
      });
    } else if (item.kind === 'problem') addError(this.report, item.message, item.position);
    else {
      this.report.comments.seen++;
      this.plan.add(item);
    }
  }

  private async write(ctx: DocContext, c: Extract<SourceItem, { kind: 'comment' }>, existing: Set<string>): Promise<void> {
    const at = this.plan.find(c.id);
    if (!this.plan.markWritten(at)) return countSkip(this.report, 'duplicate-in-file');
    const node = this.plan.node(at);
    if (!node.kept) return countSkip(this.report, node.skip ?? 'invalid');
    if (node.orphan) addOrphan(this.report, c.id, node.orphan, c.position);
    const thread = this.threads.get(node.thread)!;
    this.touchedPages.add(thread.pageId);
    // `existing` is filled only on a dry run: a real run does not pay for a second id (a SHA-256) a comment.
    if (existing.size && (existing.has(idOf(ctx, node).toHexString()) || (ctx.format === 'parley' && existing.has(c.id)))) {
      this.report.comments.alreadyPresent++;
      return;
    }
    const doc = toDoc(ctx, c, node, node.to >= 0 ? this.plan.idParts(node.to) : null, thread.pageId);
    this.batch.push({ doc });
    this.batchBytes += doc.body.length + doc.html.length + 300;
    if (!this.pages.has(thread.pageId)) this.pendingPages.set(thread.pageId, thread);
    if (this.batch.length >= BATCH_DOCS || this.batchBytes >= BATCH_BYTES) await this.flush();
  }

  private readonly pendingPages = new Map<string, ImportPage>();

  /**
   * Hands the batch to the store and goes back to reading: up to
   * {@link WRITES_IN_FLIGHT} batches are written while the next is parsed and
   * sanitized (so at most that many and one are in memory).
   */
  private async flush(): Promise<void> {
    const batch = this.batch;
    const pages = [...this.pendingPages.values()];
    this.batch = [];
    this.batchBytes = 0;
    this.pendingPages.clear();
    while (this.inflight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inflight);
    if (this.failure) throw this.failure.err;
    if (this.input.signal?.aborted) throw new Error('aborted');
    if (this.input.dryRun) {
      this.report.comments.imported += batch.length;
      return;
    }
    // A batch's pages exist, and this run knows which it created, before its comments are counted.
    const pagesReady = this.pagesDone.then(() => this.createPages(pages));
    this.pagesDone = pagesReady;
    const writing: Promise<void> = pagesReady
      .then(() => this.insertBatch(batch))
      .catch((err: unknown) => {
        this.failure ??= { err };
      })
      .finally(() => this.inflight.delete(writing));
    this.inflight.add(writing);
  }

  private async createPages(pages: ImportPage[]): Promise<void> {
    for (const created of await this.deps.writer.ensurePages(this.input.siteId, pages, this.pages, this.planned))
      this.createdPages.add(created);
  }

  private async insertBatch(batch: { doc: CommentDoc }[]): Promise<void> {
    const { inserted, present } = await this.deps.writer.insert(batch.map((b) => b.doc));
    this.report.comments.imported += inserted.size;
    this.report.comments.alreadyPresent += present;
    for (const i of inserted) {
      const { doc } = batch[i]!;
      const page = this.pages.get(doc.pageId);
      if (doc.status === 'visible' && page && !this.createdPages.has(doc.pageId))
        this.deltas.set(page, (this.deltas.get(page) ?? 0) + 1);
    }
    this.progress();
  }

  private progress(): void {
    const total = this.input.totalBytes;
    const share = total ? Math.min(1, this.bytes / total) : 0;
    const percent =
      this.phase === 'scan' ? share * 30 : this.phase === 'write' ? 30 + share * 69 : this.phase === 'counters' ? 99 : 100;
    this.input.onProgress?.({
      phase: this.phase,
      percent: Math.floor(percent),
      threads: this.report.threads.seen,
      comments: this.report.comments.seen,
      imported: this.report.comments.imported,
      bytes: this.bytes,
      totalBytes: total,
    });
  }
}
