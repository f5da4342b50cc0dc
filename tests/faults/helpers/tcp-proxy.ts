import net from 'node:net';

/** A TCP proxy in front of one backend that can stop forwarding without closing anything (a partition). */
export interface TcpProxy {
  port: number;
  /** From now on bytes in both directions are held back; connections stay open and new ones are accepted. */
  partition(): void;
  /** Forwards again, held bytes first (as TCP retransmission would deliver them). */
  heal(): void;
  /** Stops reading from the backend on the open connections (a client that stopped draining); new connections flow. */
  stall(): void;
  /** Reads from the backend again. */
  unstall(): void;
  close(): Promise<void>;
}

interface Pipe {
  client: net.Socket;
  upstream: net.Socket | null;
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/** Starts a proxy on a free port forwarding to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let partitioned = false;
  const pipes = new Set<Pipe>();
  const flush = (p: Pipe): void => {
    if (partitioned) return;
    if (!p.upstream) {
      const upstream = net.connect(targetPort, '127.0.0.1');
      p.upstream = upstream;
      upstream.on('error', () => p.client.destroy());
      upstream.on('close', () => p.client.destroy());
      upstream.on('data', (chunk) => {
        if (partitioned) p.toClient.push(chunk);
        else p.client.write(chunk);
      });
    }
    for (const chunk of p.toUpstream.splice(0)) p.upstream.write(chunk);
    for (const chunk of p.toClient.splice(0)) p.client.write(chunk);
  };
  const server = net.createServer((client) => {
    const p: Pipe = { client, upstream: null, toUpstream: [], toClient: [] };
    pipes.add(p);
    client.on('error', () => undefined);
    client.on('close', () => {
      pipes.delete(p);
      p.upstream?.destroy();
    });
    client.on('data', (chunk) => {
      if (partitioned || !p.upstream) p.toUpstream.push(chunk);
      else p.upstream.write(chunk);
    });
    flush(p);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    partition: () => void (partitioned = true),
    heal() {
      partitioned = false;
      for (const p of pipes) flush(p);
    },
    stall() {
      for (const p of pipes) p.upstream?.pause();
    },
    unstall() {
      for (const p of pipes) p.upstream?.resume();
    },
    async close() {
      for (const p of pipes) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
