/**
 * The baseline the benchmarks compare Parley with: a minimal Express +
 * Socket.IO server that relays `comment:post` → `comment:created` (and the
 * REST post) with no store and no checks, and serves comment pages from
 * memory. Run as its own process by the bench; configured by environment:
 * PORT, REDIS_URL + BASELINE_PREFIX (Redis streams adapter with connection
 * state recovery, for the 2-node baseline), READ_DATA (a JSON file of comments).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

interface PostPayload {
  pageId: string;
  body: string;
  clientNonce?: string;
}

const port = Number(process.env.PORT ?? 0);
const redisUrl = process.env.REDIS_URL;
const prefix = process.env.BASELINE_PREFIX ?? 'bench-baseline:';
const readData: { id: string }[] = process.env.READ_DATA ? JSON.parse(fs.readFileSync(process.env.READ_DATA, 'utf8')) : [];

/** The same comment shape Parley sends, built without a store. */
function commentOf(siteId: string, pageId: string, body: string) {
  return {
    id: randomBytes(12).toString('hex'),
    siteId,
    pageId,
    parentId: null,
    depth: 0,
    author: { id: 'bench-poster', name: 'Bench Poster', avatar: null, guest: false },
    body,
    html: `<p>${body}</p>\n`,
    status: 'visible',
    createdAt: new Date().toISOString(),
    editedAt: null,
    replyCount: 0,
    reactions: { like: 0 },
  };
}

const app = express();
app.use(express.json({ limit: '32kb' }));
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.get('/api/v1/sites/:siteId/pages/:pageId/comments', (req, res) => {
  const limit = Math.min(100, Number(req.query.limit ?? 50) || 50);
  const from = typeof req.query.cursor === 'string' ? Number(Buffer.from(req.query.cursor, 'base64url').toString('utf8')) : 0;
  const comments = readData.slice(from, from + limit);
  const next = from + limit < readData.length ? Buffer.from(String(from + limit)).toString('base64url') : null;
  res.json({ comments, nextCursor: next, total: readData.length });
});

const httpServer = http.createServer(app);
const redis = redisUrl ? new Redis(redisUrl) : null;
const io = new Server(httpServer, {
  maxHttpBufferSize: 32 * 1024,
  ...(redis
    ? {
        adapter: createAdapter(redis, {
          streamName: `${prefix}socket.io`,
          channelPrefix: `${prefix}socket.io`,
          sessionKeyPrefix: `${prefix}session:`,
          maxLen: 100_000,
          onlyPlaintext: true,
        }),
        connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true },
      }
    : {}),
});

app.post('/api/v1/sites/:siteId/pages/:pageId/comments', (req, res) => {
  const comment = commentOf(
    String(req.params.siteId),
    decodeURIComponent(String(req.params.pageId)),
    String(req.body?.body ?? ''),
  );
  res.status(201).json({ comment });
  io.to(`page:${comment.siteId}:${comment.pageId}`).emit('comment:created', { comment });
});

io.on('connection', (socket) => {
  const siteId = String((socket.handshake.auth as { siteId?: string }).siteId ?? '');
  socket.on('page:join', (p: { pageId: string }, ack?: (a: unknown) => void) => {
    void socket.join(`page:${siteId}:${p.pageId}`);
    ack?.({ ok: true, total: 0 });
  });
  socket.on('comment:post', (p: PostPayload, ack?: (a: unknown) => void) => {
    const comment = commentOf(siteId, p.pageId, p.body);
    ack?.({ ok: true, comment });
    io.to(`page:${siteId}:${p.pageId}`).emit('comment:created', { comment });
  });
});

httpServer.listen(port, '127.0.0.1');
const stop = () => {
  io.close(() => {
    redis?.disconnect();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
