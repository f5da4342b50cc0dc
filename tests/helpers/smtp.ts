import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../server/src/infra/embedded-store';
import { until } from './harness';

/** A real SMTP server started by a test: every accepted mail is parsed and kept. */
export interface TestSmtp {
  url: string;
  port: number;
  mails: ParsedMail[];
  /** Mails to one address. */
  to(address: string): ParsedMail[];
  /** Waits until `count` mails to the address have arrived, and returns them. */
  waitFor(address: string, count?: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Stops listening (an SMTP outage); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts an SMTP server on a free port (no TLS, no auth). */
export async function startSmtp(): Promise<TestSmtp> {
  const port = await freePort();
  const mails: ParsedMail[] = [];
  let server: SMTPServer | null = null;
  const start = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // An outage is a closed port: stop() must not wait for idle clients.
      closeTimeout: 50,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
  };
  await start();
  const recipients = (m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
  const to = (address: string) => mails.filter((m) => recipients(m).includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    to,
    async waitFor(address, count = 1, timeoutMs = 15_000) {
      await until(() => to(address).length >= count, timeoutMs, `${count} mail(s) to ${address}`);
      return to(address);
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start,
  };
}
