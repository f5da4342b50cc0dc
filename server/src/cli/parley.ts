import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { openCliContext } from './cli-context';
import { exportCommand, importCommand } from './import-commands';
import { siteCommands, type WithContext } from './site-commands';
import { userCommands } from './user-commands';
import { notificationCommands, webhookCommands } from './notify-commands';

const ENVIRONMENT_HELP = `
Environment (the same as the server's):
  MONGODB_URI   the database; unset: the embedded store in DATA_DIR (stop the server first,
                or run \`npm run store\` and give both the same MONGODB_URI)
  DATA_DIR      where the embedded store and the development key file live (default ./data)
  REDIS_URL     (notifications failed) where the durable queues live
  SECRETS_KEY   the server key that encrypts site secrets (required in production; in
                development DATA_DIR/secrets.key is used, the same file the server uses)
Running servers pick up changes made here within 5 seconds (their site cache); the
admin REST API (POST/PATCH/DELETE /api/v1/sites) takes effect on them at once.`;

function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * `npm run parley -- <command>`: the admin CLI. It builds the same services
 * as the server over the same database, so it never duplicates their rules.
 */
async function main(argv: string[]): Promise<void> {
  const withContext: WithContext = async (fn) => {
    const ctx = await openCliContext(loadConfig(process.env), writeErr);
    try {
      await fn(ctx);
    } finally {
      await ctx.close();
    }
  };
  const program = new Command('parley')
    .description('Parley admin command line')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP);
  program.addCommand(siteCommands(withContext));
  program.addCommand(importCommand(withContext));
  program.addCommand(exportCommand(withContext));
  for (const cmd of userCommands(withContext)) program.addCommand(cmd);
  program.addCommand(webhookCommands(withContext));
  program.addCommand(notificationCommands(() => loadConfig(process.env)));
  await program.parseAsync(argv);
}

/** Usage errors are printed by commander itself; this reports failures of a command's work. */
function exitCodeOf(err: unknown): number {
  // AppError, ConfigError and EmbeddedStoreError messages are written for people; print them as they are.
  writeErr(`parley: ${err instanceof Error ? err.message : String(err)}`);
  return err instanceof ConfigError ? 2 : 1;
}

main(process.argv).then(
  () => process.exit(0),
  (err: unknown) => process.exit(exitCodeOf(err)),
);
