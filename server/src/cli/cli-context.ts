import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { DomainEvents } from '../domain-events';
import { openStore } from '../infra/open-store';
import { resolveSecretsKey } from '../infra/secrets-key';
import { CommentsRepository } from '../modules/comments/comments.repository';
import { ModerationRepository } from '../modules/moderation/moderation.repository';
import { PagesRepository } from '../modules/pages/pages.repository';
import { SecretBox } from '../modules/sites/secret-box';
import { SitesRepository } from '../modules/sites/sites.repository';
import { SitesService } from '../modules/sites/sites.service';

/** What a CLI command works with: the same SitesService the server uses, over the same database. */
export interface CliContext {
  sites: SitesService;
  /** The open database, for commands that work on more than sites (import, export). */
  conn: Connection;
  /** Closes the connection and stops the embedded store if the CLI started one. */
  close(): Promise<void>;
}

/** Where the CLI writes progress that is not the command's answer (stderr, so stdout stays parseable). */
export type Notice = (line: string) => void;

/**
 * Opens the database the server uses (MONGODB_URI, or the embedded store in
 * DATA_DIR) and builds the sites service with the same purgers as the app, so
 * `site delete` removes pages, comments, reactions, flags, bans and the audit log.
 */
export async function openCliContext(config: Config, notice: Notice): Promise<CliContext> {
  // Same store and database name as main.ts, so the CLI sees what `npm start` sees.
  const { conn, store } = await openStore({ config, port: 0, progress: notice, external: { serverSelectionTimeoutMS: 10_000 } });
  try {
    const repo = new SitesRepository(conn);
    await repo.init();
    const pages = new PagesRepository(conn);
    const comments = new CommentsRepository(conn);
    const moderation = new ModerationRepository(conn);
    const sites = new SitesService({
      repo,
      box: new SecretBox(resolveSecretsKey(config)),
      events: new DomainEvents(),
      purgers: [(id) => pages.purgeSite(id), (id) => comments.purgeSite(id), (id) => moderation.purgeSite(id)],
      cacheTtlMs: 0,
    });
    return {
      sites,
      conn,
      async close() {
        await conn.close();
        await store?.stop();
      },
    };
  } catch (err) {
    await conn.close();
    await store?.stop();
    throw err;
  }
}
