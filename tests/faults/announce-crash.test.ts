import type { Comment } from '@parley/protocol';
import { closeSockets, connectSocket, emitAck, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { createFaultSite, postAttempt, tokenFor, verifyStored, type FaultSite } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults_announce';
/** Posts whose body contains this make the hooked node SIGKILL itself between store write and announcement. */
const CRASH_MARKER = 'crash-between-write-and-broadcast';
jest.setTimeout(120_000);

describe('fault: a node dies between storing a comment and announcing it, or right after acknowledging it', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let hooked: NodeProcess;
  let plain: NodeProcess;
  let survivor: NodeProcess;
  let site: FaultSite;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    [hooked, plain, survivor] = await Promise.all([
      spawnNode({ storeUri, dbName: DB, redisUrl: redis.url, env: { PARLEY_TEST_CRASH_AFTER_STORE: CRASH_MARKER } }),
      spawnNode({ storeUri, dbName: DB, redisUrl: redis.url }),
      spawnNode({ storeUri, dbName: DB, redisUrl: redis.url }),
    ]);
    site = await createFaultSite(survivor.url);
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([hooked?.stop(), plain?.stop(), survivor?.stop()]);
    await redis?.stop();
  });

  /** A reader on the surviving node that records every comment:created body. */
  async function readerOnSurvivor(pageId: string): Promise<string[]> {
    const socket = await connectSocket<ReaderClient>(survivor.url, { siteId: site.siteId });
    expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
    const bodies: string[] = [];
    socket.on('comment:created', ({ comment }: { comment: Comment }) => bodies.push(comment.body));
    return bodies;
  }

  /** Posts a marker on the survivor and waits for it: anything announced before it has arrived by then. */
  async function settle(bodies: string[], pageId: string, marker: string): Promise<void> {
    expect(
      (await postAttempt(survivor.url, site, pageId, tokenFor(site, 'marker'), marker, `m-${marker.replace(/\W/g, '-')}`)).status,
    ).toBe(201);
    await until(() => bodies.includes(marker), 10_000, `the marker "${marker}"`);
  }

  test('when the node dies after its store write and before the broadcast, then the retried post reaches a reader on the other node live, exactly once', async () => {
    const pageId = 'crash-before-announce';
    const bodies = await readerOnSurvivor(pageId);
    const body = `first attempt died: ${CRASH_MARKER}`;
    const token = tokenFor(site, 'poster');
    const first = await postAttempt(hooked.url, site, pageId, token, body, 'crash-nonce-1');
    // The node died mid-request: the client saw its connection cut, never an acknowledgement.
    expect(first.status).toBe(0);
    expect((await hooked.exited).signal).toBe('SIGKILL');

    // The client retries with its nonce, as the SDK does; the balancer sends it to another node.
    const retry = await postAttempt(survivor.url, site, pageId, token, body, 'crash-nonce-1');
    expect(retry.status).toBe(200);
    await until(() => bodies.includes(body), 5000, 'the retried comment, live');
    // A second retry (its answer lost too) finds the announcement in the stream and sends nothing.
    expect((await postAttempt(plain.url, site, pageId, token, body, 'crash-nonce-1')).status).toBe(200);
    await settle(bodies, pageId, 'after the retries');
    expect(bodies.filter((b) => b === body)).toHaveLength(1);
    expect(await verifyStored(storeUri, DB, site.siteId, new Map([['crash-nonce-1', retry.id!]]))).toEqual([]);
  });

  test('when the node is SIGKILLed the moment it acknowledged a post, then a reader on the other node still receives it live, exactly once', async () => {
    const pageId = 'kill-after-ack';
    const bodies = await readerOnSurvivor(pageId);
    const body = 'acknowledged, then the node died';
    const ack = await postAttempt(plain.url, site, pageId, tokenFor(site, 'poster'), body, 'ack-nonce-1');
    plain.kill('SIGKILL');
    expect(ack.status).toBe(201);
    await plain.exited;
    await until(() => bodies.includes(body), 5000, 'the acknowledged comment, live');
    await settle(bodies, pageId, 'after the kill');
    expect(bodies.filter((b) => b === body)).toHaveLength(1);
  });
});
