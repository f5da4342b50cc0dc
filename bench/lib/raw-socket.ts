import WebSocket from 'ws';

/** A connect refusal (`connect_error`): the server's error code as the message. */
export class ConnectRefused extends Error {}

/**
 * A bench reader that speaks the Socket.IO protocol (Engine.IO 4, websocket
 * only, namespace `/`) directly over `ws`, instead of socket.io-client.
 *
 * Why: a fan-out of 1,000 readers × 100 comments/s is 100,000 frames a second
 * into one load-generator process that shares the machine's 2 cores with the
 * server. socket.io-client JSON-parses every frame for every reader and
 * saturated the generator (ELU 0.95+) at ~40–70 k frames/s, so both Parley
 * and the baseline measured the client. This reader hands each event frame to
 * the caller as raw bytes; the bench finds its sequence number with one
 * `Buffer.indexOf`, never parsing the JSON. Both sides use the same reader.
 */
export class RawSocket {
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private nextAck = 0;
  /** Called with every event frame (`42[...]`) the server sends. */
  onEvent: ((frame: Buffer) => void) | null = null;
  /** Called once when the connection ends for any reason. */
  onClose: (() => void) | null = null;

  private constructor(private readonly ws: WebSocket) {}

  /**
   * Opens a websocket to `url` and connects the `/` namespace with `auth`;
   * resolves once the server accepted (`40{sid}`), rejects on refusal or timeout.
   */
  static connect(url: string, auth: Record<string, unknown>, timeoutMs = 20_000): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const socket = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      ws.on('error', fail);
      ws.on('close', () => {
        fail(new Error('closed before connect'));
        socket.onClose?.();
      });
      ws.on('message', (data: Buffer) => {
        const type = data[0];
        if (type === 0x32 /* 2 ping */) return void ws.send('3');
        if (type === 0x30 /* 0 open */) return void ws.send(`40${JSON.stringify(auth)}`);
        if (type !== 0x34 /* 4 message */) return;
        const kind = data[1];
        if (kind === 0x32 /* 2 event */) socket.onEvent?.(data);
        else if (kind === 0x33 /* 3 ack */) socket.onAck(data);
        else if (kind === 0x30 /* 0 connect */ && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(socket);
        } else if (kind === 0x34 /* 4 connect_error */) {
          const body = JSON.parse(data.subarray(2).toString('utf8')) as { message?: string };
          fail(new ConnectRefused(body.message ?? 'connect_error'));
        }
      });
    });
  }

  private onAck(frame: Buffer): void {
    const text = frame.toString('utf8', 2);
    const bracket = text.indexOf('[');
    const id = Number(text.slice(0, bracket));
    const done = this.acks.get(id);
    if (!done) return;
    this.acks.delete(id);
    done(JSON.parse(text.slice(bracket)) as unknown[]);
  }

  /** Emits an event with an acknowledgement; resolves with the ack's first argument. */
  emitWithAck(event: string, payload: unknown, timeoutMs = 20_000): Promise<unknown> {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`${event}: no ack within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, (args) => {
        clearTimeout(timer);
        resolve(args[0]);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  /** Closes the connection (the server sees a transport close). */
  close(): void {
    this.ws.close();
  }
}
