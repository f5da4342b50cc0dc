import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../logger';

/** One mail to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Deterministic, so a mail sent twice after a crash can be recognised as one by the receiving side. */
  messageId: string;
}

/** The relay's address and credentials from an smtp:// or smtps:// URL (smtps: TLS from the start, else STARTTLS when offered). */
export function smtpOptions(smtpUrl: string): {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
} {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  const user = decodeURIComponent(u.username);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(u.password) } } : {}),
  };
}

/** Sends mail over SMTP (nodemailer), or writes it to the log with `SMTP_URL=log:` (development). */
export class Mailer {
  private readonly transport: Transporter;
  private readonly toLog: boolean;
  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    this.toLog = smtpUrl === 'log:';
    this.transport = this.toLog
      ? nodemailer.createTransport({ jsonTransport: true })
      : // Short timeouts: a relay that hangs fails the attempt, and the queue retries it later.
        nodemailer.createTransport({
          ...smtpOptions(smtpUrl),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        });
  }

  /** Sends one mail; throws when the relay refuses or cannot be reached (the job is retried). */
  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transport.sendMail({ from: this.from, ...mail })) as { message?: string };
    if (this.toLog)
      this.logger.info({ mail: JSON.parse(info.message ?? '{}') as unknown }, `mail to ${mail.to}: ${mail.subject}`);
  }

  /** Closes pooled connections (none by default). */
  close(): void {
    this.transport.close();
  }
}
