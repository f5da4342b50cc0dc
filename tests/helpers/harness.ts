import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import type { Connection } from 'mongoose';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import request from 'supertest';
import type {
  AckData,
  AckEventName,
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  ClientToServerEvents,
  ErrorBody,
  EventPayload,
  ServerToClientEvents,
} from '@parley/protocol';
import { createApp, type App } from '../../server/src/app';
import { connectMongo } from '../../server/src/infra/mongo';
import { REDIS_OPTIONS } from '../../server/src/infra/redis';
import { createLogger } from '../../server/src/logger';

/** Admin API key every test node is started with. */
export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
/** Server key every test node shares (so two nodes read each other's site secrets). */
export const SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';

/** A unique id that fits the site-id slug. */
export function uniqueId(prefix = 't'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** This jest worker's own database name. */
export function workerDbName(): string {
  return `parley_test_w${process.env.JEST_WORKER_ID ?? '0'}`;
}

/** A Parley node started by a test on port 0. */
export interface TestNode {
  url: string;
  app: App;
  mongo: Connection;
  redis: Redis | null;
  redisPrefix: string;
  close(): Promise<void>;
}

/** Options of {@link startNode}. */
export interface NodeOptions {
  /** `shared` (default): the suite's Redis; `none`: the in-process fallback; or a Redis URL. */
  redis?: 'shared' | 'none' | string;
  /** Give two nodes the same prefix to make them one deployment. */
  redisPrefix?: string;
  mongoUri?: string;
  dbName?: string;
  dev?: boolean;
  adminApiKey?: string | null;
  trustProxy?: boolean | number | string;
}

/** Starts a real app node against the test store and Redis; `close()` releases everything it opened. */
export async function startNode(opts: NodeOptions = {}): Promise<TestNode> {
  const mongoUri = opts.mongoUri ?? process.env.TEST_MONGODB_URI;
  if (!mongoUri)
    throw new Error('TEST_MONGODB_URI is not set: run the integration tests through jest (global setup starts the store)');
  const mongo = await connectMongo({ uri: mongoUri, dbName: opts.dbName ?? workerDbName() });
  const redisSetting = opts.redis ?? 'shared';
  const redisUrl = redisSetting === 'shared' ? process.env.TEST_REDIS_URL! : redisSetting === 'none' ? null : redisSetting;
  const redis = redisUrl ? new Redis(redisUrl, REDIS_OPTIONS) : null;
  redis?.on('error', () => undefined);
  const redisPrefix = opts.redisPrefix ?? `ptest:${randomBytes(4).toString('hex')}:`;
  const app = await createApp({
    config: {
      dev: opts.dev ?? true,
      adminApiKey: opts.adminApiKey === undefined ? ADMIN_KEY : opts.adminApiKey,
      trustProxy: opts.trustProxy ?? false,
    },
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    mongo,
    redis,
    secretsKey: SECRETS_KEY,
    redisPrefix,
    // The store users get: with the JSONB indexes Parley adds to the embedded store (unset on real MongoDB).
    storePostgresUrl: opts.mongoUri ? null : (process.env.TEST_STORE_POSTGRES_URL ?? null),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    mongo,
    redis,
    redisPrefix,
    async close() {
      await app.close();
      await mongo.close();
      redis?.disconnect();
    },
  };
}

/** A site created through the admin API, with its secret. */
export interface TestSite {
  siteId: string;
  secret: string;
}

/** Creates a site through the admin REST API (overrides are any site fields). */
export async function createSite(node: TestNode, overrides: Record<string, unknown> = {}): Promise<TestSite> {
  const siteId = (overrides.siteId as string | undefined) ?? uniqueId('s');
  const res = await request(node.url)
    .post('/api/v1/sites')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ name: `Test ${siteId}`, ...overrides, siteId });
  if (res.status !== 201) throw new Error(`createSite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { siteId, secret: res.body.secret as string };
}

/** Claims of a reader token. */
export interface TokenClaims {
  sub?: string;
  name?: string;
  roles?: string[];
  avatar?: string;
  site?: string;
  exp?: number;
  [key: string]: unknown;
}

/** Signs an HS256 reader token as the site's backend would (valid for an hour unless overridden). */
export function signToken(site: TestSite, claims: TokenClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { sub: uniqueId('u'), name: 'Test Reader', site: site.siteId, iat: now, exp: now + 3600, ...claims },
    site.secret,
    { algorithm: 'HS256' },
  );
}

/** A moderator token for a site. */
export function modToken(site: TestSite, claims: TokenClaims = {}): string {
  return signToken(site, { sub: uniqueId('mod'), name: 'Moderator', roles: ['moderator'], ...claims });
}

/** A typed reader-namespace client socket. */
export type ReaderClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
/** A typed admin-namespace client socket. */
export type AdminClient = ClientSocket<AdminServerToClientEvents, AdminClientToServerEvents>;

const openSockets = new Set<ClientSocket>();

/** Connects a socket and resolves once connected (rejects with the connect_error). */
export function connectSocket<T extends ClientSocket>(
  url: string,
  auth: { siteId: string; token?: string },
  opts: Record<string, unknown> = {},
): Promise<T> {
  const socket = ioClient(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  openSockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket as T));
    socket.once('connect_error', (err) => {
      socket.close();
      openSockets.delete(socket);
      reject(err);
    });
  });
}

/** Connects a reader socket. */
export function readerSocket(
  node: TestNode,
  auth: { siteId: string; token?: string },
  opts: Record<string, unknown> = {},
): Promise<ReaderClient> {
  return connectSocket<ReaderClient>(node.url, auth, opts);
}

/** Connects a moderator socket to `/admin`. */
export function adminSocket(
  node: TestNode,
  auth: { siteId: string; token?: string },
  opts: Record<string, unknown> = {},
): Promise<AdminClient> {
  return connectSocket<AdminClient>(`${node.url}/admin`, auth, opts);
}

/** Closes every socket the helpers opened. */
export function closeSockets(): void {
  for (const s of openSockets) s.close();
  openSockets.clear();
}

/** Closes every socket the helpers opened, then the node: the `afterAll` of most suites. */
export async function stopNode(node: TestNode): Promise<void> {
  closeSockets();
  await node.close();
}

/** A node with one site (these fields) and its moderator's admin socket: the fixture of the moderation suites. */
export async function startModeratedSite(
  siteFields: Record<string, unknown> = {},
  claims: TokenClaims = {},
): Promise<{ node: TestNode; site: TestSite; mod: AdminClient }> {
  const node = await startNode();
  const site = await createSite(node, siteFields);
  return { node, site, mod: await moderatorSocket(node, site, claims) };
}

/** A moderator's admin socket on a site (a moderator token with these claims). */
export function moderatorSocket(node: TestNode, site: TestSite, claims: TokenClaims = {}): Promise<AdminClient> {
  return adminSocket(node, { siteId: site.siteId, token: modToken(site, claims) });
}

/** Any event map, as socket.io-client's generics constrain them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the shape socket.io-client itself uses
type EventsMap = Record<string, any>;
/** A client socket whose server→client map is `S` (and any client→server map). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the other map does not matter here.
type Listening<S extends object> = ClientSocket<S & EventsMap, any>;
/** The events every client socket has besides its namespace's. */
interface ReservedEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
}
/** Events a test can wait for on a socket listening to `S`. */
type Heard<S extends object> = S & ReservedEvents;
/** A client socket whose client→server map is `C`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the other map does not matter here.
type Emitting<C extends object> = ClientSocket<any, C & EventsMap>;
/** The untyped view the helpers register and emit through, once the maps have checked name and payload. */
const raw = (socket: ClientSocket<never, never>) => socket as unknown as ClientSocket;

/** Resolves with the next payload of an event that matches, or rejects after a timeout. */
export function nextEvent<S extends object, E extends keyof Heard<S> & string>(
  socket: Listening<S>,
  event: E,
  match: (payload: EventPayload<Heard<S>, E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<EventPayload<Heard<S>, E>> {
  const s = raw(socket);
  const name: string = event;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(name, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const handler = (payload: EventPayload<Heard<S>, E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      s.off(name, handler);
      resolve(payload);
    };
    s.on(name, handler);
  });
}

/** Records every payload of an event, for "exactly once" and "never" assertions. */
export function record<S extends object, E extends keyof Heard<S> & string>(
  socket: Listening<S>,
  event: E,
): EventPayload<Heard<S>, E>[] {
  const seen: EventPayload<Heard<S>, E>[] = [];
  const name: string = event;
  raw(socket).on(name, (payload: EventPayload<Heard<S>, E>) => seen.push(payload));
  return seen;
}

/** Polls until a condition holds (for state that arrives by events), failing after a timeout. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An ack as tests read it: they assert `ok` themselves, then read the success
 * fields of the event (typed by the protocol) or the error.
 */
export type TestAck<T extends object = object> = { ok: boolean; error: ErrorBody } & T;

/** Emits an acknowledged event (name and payload checked against the socket's map) and resolves with the ack. */
export function emitAck<C extends object, E extends AckEventName<C>>(
  socket: Emitting<C>,
  event: E,
  payload: EventPayload<C, E>,
  timeoutMs = 5000,
): Promise<TestAck<AckData<C, E>>> {
  return raw(socket).timeout(timeoutMs).emitWithAck(event, payload) as Promise<TestAck<AckData<C, E>>>;
}

/** Reads one sample of a Prometheus metric from the node's /metrics (0 when absent). */
export async function metric(node: TestNode, line: string): Promise<number> {
  const res = await request(node.url).get('/metrics').expect(200);
  const found = res.text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

/** Posts a comment over REST and returns the response. */
export function postComment(
  node: TestNode,
  site: TestSite,
  pageId: string,
  token: string,
  body: Record<string, unknown> | string,
) {
  return request(node.url)
    .post(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments`)
    .set('Authorization', `Bearer ${token}`)
    .send(typeof body === 'string' ? { body } : body);
}

/** Lists comments over REST. */
export function listComments(
  node: TestNode,
  site: TestSite,
  pageId: string,
  query: Record<string, string | number> = {},
  token?: string,
) {
  const req = request(node.url)
    .get(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments`)
    .query(query);
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}
