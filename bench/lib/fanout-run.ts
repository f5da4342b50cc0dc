import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { closeReaders, connectOne, openReaders } from './readers';
import { CpuMeter, Samples, delay, type CpuReport } from './stats';

/** One fan-out load: readers on pages, comments posted at a steady rate. */
export interface FanoutLoad {
  readers: number;
  /** Comments per second, over all pages. */
  rate: number;
  durationSec: number;
  /** Readers are spread over this many pages, comments round-robin over them. */
  pages: number;
  post: 'socket' | 'rest';
}

/** The server side of one run (Parley or the baseline). */
export interface FanoutSide {
  name: string;
  urls: string[];
  siteId: string;
  /** A token the poster signs in with. */
  posterToken: string;
  /** Server processes to measure (name → pid). */
  pids: Record<string, number>;
}

/** What one run measured. */
export interface FanoutResult {
  latency: Samples;
  /** Latency of the readers of each node. */
  latencyByNode: Samples[];
  ack: Samples;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  postErrors: number;
  readerFailures: number;
  deliveriesPerSec: number;
  offeredPerSec: number;
  cpu: CpuReport;
}

const PREFIX = 'fanout ';
const pageName = (n: number) => `bench-page-${n}`;

/** A comment poster over the socket or REST; resolves with the ack time in ms. */
function makePoster(side: FanoutSide, load: FanoutLoad, socket: Socket | null): (seq: number, body: string) => Promise<number> {
  const url = side.urls[0]!;
  return async (seq, body) => {
    const pageId = pageName(((seq % load.pages) + load.pages) % load.pages);
    const t0 = performance.now();
    if (socket) {
      const ack = (await socket
        .timeout(60_000)
        .emitWithAck('comment:post', { pageId, body, clientNonce: `n${body.replace(/ /g, '-')}` })) as {
        ok: boolean;
        error?: unknown;
      };
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    } else {
      const res = await fetch(`${url}/api/v1/sites/${side.siteId}/pages/${encodeURIComponent(pageId)}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${side.posterToken}` },
        body: JSON.stringify({ body }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`REST post: ${res.status}`);
    }
    return performance.now() - t0;
  };
}

/** Posts `count` comments at `rate` per second, calling `send` for each (not awaiting it). */
async function pace(rate: number, count: number, send: (seq: number) => void): Promise<void> {
  const t0 = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    while (sent < due) send(sent++);
    await delay(Math.max(1, Math.min(10, 1000 / rate / 2)));
  }
}

/**
 * Runs one fan-out load against one side: opens the readers, warms up for a
 * second, posts, waits until every delivery arrived or progress stops for 5 s,
 * and reports per-delivery latency (send → `comment:created`), losses and duplicates.
 */
export async function runFanout(side: FanoutSide, load: FanoutLoad): Promise<FanoutResult> {
  const opened = await openReaders(
    { urls: side.urls, siteId: side.siteId, pageOf: (i) => pageName(i % load.pages) },
    0,
    load.readers,
  );
  const total = Math.round(load.rate * load.durationSec);
  const nodes = side.urls.length;
  const joined = opened.sockets.length;
  const seen = new Uint8Array(joined * total);
  const sentAt = new Float64Array(total);
  /** Deliveries per comment, and which comments were acknowledged (only those can be lost). */
  const perSeq = new Uint32Array(total);
  const acked = new Uint8Array(total);
  const perPage = new Array<number>(load.pages).fill(0);
  opened.index.forEach((i) => perPage[i % load.pages]!++);
  const res: FanoutResult = {
    latency: new Samples(),
    latencyByNode: Array.from({ length: nodes }, () => new Samples()),
    ack: new Samples(),
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    postErrors: 0,
    readerFailures: opened.failures,
    deliveriesPerSec: 0,
    offeredPerSec: joined * (load.rate / load.pages),
    cpu: null as unknown as CpuReport,
  };
  for (let s = 0; s < total; s++) res.expected += perPage[s % load.pages]!;
  // Bodies and nonces are unique per run: a repeated body would be refused as a double post, a repeated nonce replayed.
  const run = Math.random().toString(36).slice(2, 8);
  const tag = `${PREFIX}${run} `;
  let lastDelivery = 0;
  // The frames are read as bytes: the event name at the start, the sequence number after the body's tag.
  const created = Buffer.from('42["comment:created",');
  const bodyTag = Buffer.from(`"body":"${tag}`);
  opened.sockets.forEach((socket, k) => {
    const node = opened.index[k]! % nodes;
    socket.onEvent = (frame) => {
      if (frame.compare(created, 0, created.length, 0, Math.min(frame.length, created.length)) !== 0) return;
      const at = frame.indexOf(bodyTag);
      if (at < 0) return;
      const now = performance.now();
      let seq = 0;
      for (let j = at + bodyTag.length; frame[j]! >= 0x30 && frame[j]! <= 0x39; j++) seq = seq * 10 + frame[j]! - 0x30;
      const slot = k * total + seq;
      if (seen[slot]) return void res.duplicated++;
      seen[slot] = 1;
      perSeq[seq]!++;
      res.delivered++;
      lastDelivery = now;
      res.latency.add(now - sentAt[seq]!);
      res.latencyByNode[node]!.add(now - sentAt[seq]!);
    };
  });

  const poster =
    load.post === 'socket' ? await connectOne(side.urls[0]!, { siteId: side.siteId, token: side.posterToken }) : null;
  const post = makePoster(side, load, poster);
  const warm: Promise<unknown>[] = [];
  await pace(Math.min(load.rate, 50), Math.min(load.rate, 50), (i) =>
    warm.push(post(-1 - i, `warm ${run} ${i}`).catch(() => undefined)),
  );
  await Promise.all(warm);
  await delay(300);

  const meter = new CpuMeter(side.pids).start();
  const t0 = performance.now();
  const acks: Promise<void>[] = [];
  await pace(load.rate, total, (seq) => {
    sentAt[seq] = performance.now();
    acks.push(
      post(seq, `${tag}${seq}`).then(
        (ms) => {
          acked[seq] = 1;
          res.ack.add(ms);
        },
        () => void res.postErrors++,
      ),
    );
  });
  await Promise.all(acks);
  let last = -1;
  let still = performance.now();
  while (res.delivered < res.expected && performance.now() - still < 5000) {
    if (res.delivered !== last) [last, still] = [res.delivered, performance.now()];
    await delay(50);
  }
  res.cpu = meter.stop();
  // A post that failed (counted in postErrors) may or may not have been stored: its deliveries are not "lost".
  for (let s = 0; s < total; s++) if (acked[s]) res.lost += perPage[s % load.pages]! - perSeq[s]!;
  res.deliveriesPerSec = res.delivered / Math.max(0.001, (lastDelivery - t0) / 1000);
  poster?.close();
  await closeReaders(opened.sockets);
  return res;
}
