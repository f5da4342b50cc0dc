import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver answered. */
  status?: number;
}

/** A real local HTTP endpoint for webhook tests; `answer` decides each status from the request number (1-based). */
export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1. */
export async function startReceiver(
  answer: (n: number, req: Received) => number = () => 200,
  /** How long to hold request `n` before answering (a slow receiver). */
  holdMs: (n: number) => number = () => 0,
): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(got);
      const n = requests.length;
      const status = answer(n, got);
      got.status = status;
      const reply = () =>
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : `nope ${'x'.repeat(2000)}`);
      const hold = holdMs(n);
      if (hold > 0) setTimeout(reply, hold).unref();
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/parley`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
