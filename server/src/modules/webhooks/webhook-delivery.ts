import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, isPrivateAddress } from './target-guard';

/** Longest part of an answer (or error) kept with a delivery attempt. */
export const EXCERPT_BYTES = 256;

/** The `Parley-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signatureHeader(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** How one attempt went. */
export interface AttemptResult {
  status: number | null;
  ok: boolean;
  durationMs: number;
  excerpt: string;
}

/** What one POST is sent with. */
export interface PostOptions {
  timeoutMs: number;
  blockPrivate: boolean;
  headers: Record<string, string>;
}

/**
 * POSTs one webhook body. Never follows redirects (a redirect to a private address would bypass the guard),
 * checks the address it connects to, gives up after the timeout, and reads at most {@link EXCERPT_BYTES}.
 */
export function postWebhook(url: string, body: string, opts: PostOptions): Promise<AttemptResult> {
  const started = Date.now();
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const literal = u.hostname.replace(/^\[|\]$/g, '');
  // An address literal skips the lookup, so it is checked here.
  if (opts.blockPrivate && net.isIP(literal) && isPrivateAddress(literal))
    return Promise.resolve({ status: null, ok: false, durationMs: 0, excerpt: `refused: ${literal} is a private address` });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, excerpt: r.excerpt.slice(0, EXCERPT_BYTES), durationMs: Date.now() - started });
    };
    const req = lib.request(
      u,
      {
        method: 'POST',
        lookup: guardedLookup(opts.blockPrivate),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          ...opts.headers,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = res.statusCode ?? 0;
          finish({ status, ok: status >= 200 && status < 300, excerpt: Buffer.concat(chunks).toString('utf8') });
          res.destroy();
        };
        res.on('data', (c: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(c.subarray(0, EXCERPT_BYTES - size));
          size += c.length;
          if (size >= EXCERPT_BYTES) done();
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, ok: false, excerpt: `timed out after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    req.on('error', (err) => finish({ status: null, ok: false, excerpt: err.message }));
    req.end(body);
  });
}
