import { Command } from 'commander';
import { parse } from '../validate';
import { userParamsSchema } from '../modules/trust/trust.routes';
import type { WithContext } from './site-commands';
import { print, printJson } from './site-output';

/** The `user` command group (readers' data rights) and `retention purge`. */
export function userCommands(withContext: WithContext): Command[] {
  const user = new Command('user').description("a reader's data on a site: export it or erase it (GDPR requests)");
  user
    .command('export')
    .description('print everything Parley holds about a user id on a site, as JSON')
    .argument('<siteId>')
    .argument('<userId>', "the reader's id (the token's sub; guests look like guest:…)")
    .action((siteId: string, userId: string) =>
      withContext(async ({ privacy }) => {
        const p = parse(userParamsSchema, { siteId, userId });
        printJson(await privacy.export(p.siteId, p.userId));
      }),
    );
  user
    .command('erase')
    .description("erase a user's comments, name, avatar, reactions and flags on a site")
    .argument('<siteId>')
    .argument('<userId>')
    .option('--json', 'print JSON instead of text')
    .action((siteId: string, userId: string, o: { json?: boolean }) =>
      withContext(async ({ privacy }) => {
        const p = parse(userParamsSchema, { siteId, userId });
        const erased = await privacy.erase(p.siteId, p.userId);
        if (o.json) printJson({ erased });
        else
          print(
            `erased ${p.userId} on ${p.siteId}: ${erased.comments.tombstoned} comments left as tombstones, ${erased.comments.removed} removed, ${erased.reactions} reactions, ${erased.flags} flags`,
          );
      }),
    );
  const retention = new Command('retention').description(
    "bodies of rejected and deleted comments past each site's retentionDays",
  );
  retention
    .command('purge')
    .description('blank them now (running servers also do it every hour)')
    .action(() =>
      withContext(async ({ privacy }) => {
        print(`purged ${await privacy.purgeRetention()} comment bodies`);
      }),
    );
  return [user, retention];
}
