import net from 'node:net';

/** A TCP load balancer in front of node processes, as a deployment would have. */
export interface Balancer {
  url: string;
  /** Which backend port each accepted connection went to, in order. */
  routed: number[];
  close(): Promise<void>;
}

function dial(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const upstream = net.connect(port, '127.0.0.1');
    upstream.once('connect', () => resolve(upstream));
    upstream.once('error', reject);
  });
}

/**
 * Round-robin TCP proxy: each client connection goes to the next backend that
 * accepts it, so when a node dies or stops listening its clients' reconnects
 * land on the nodes that remain — the failover a real balancer gives.
 */
export async function startBalancer(ports: number[]): Promise<Balancer> {
  let next = 0;
  const routed: number[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => undefined);
    client.on('close', () => open.delete(client));
    void (async () => {
      for (let tries = 0; tries < ports.length; tries++) {
        const port = ports[next++ % ports.length]!;
        try {
          const upstream = await dial(port);
          routed.push(port);
          open.add(upstream);
          upstream.on('error', () => client.destroy());
          upstream.on('close', () => {
            open.delete(upstream);
            client.destroy();
          });
          client.on('close', () => upstream.destroy());
          client.pipe(upstream).pipe(client);
          client.resume();
          return;
        } catch {
          // that backend is down: try the next one
        }
      }
      client.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
