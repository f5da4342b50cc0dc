import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { errors } from '../errors';
import { parse } from '../validate';
import { DEFAULT_LIMITS } from '../modules/rate-limit/limits';
import { toPublicSite } from '../modules/sites/sites.mapper';
import { createSiteSchema, updateSiteSchema } from '../modules/sites/sites.schemas';
import type { CliContext } from './cli-context';
import { describeSite, print, printJson, secretNotice, siteTable } from './site-output';

/** Runs a command body with an open context and closes it afterwards, whatever happens. */
export type WithContext = (fn: (ctx: CliContext) => Promise<void>) => Promise<void>;

const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS);

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function limitPair(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([A-Za-z]+)=(\d+)$/.exec(value);
  if (!match || !LIMIT_NAMES.includes(match[1]!))
    throw new InvalidArgumentError(`expected NAME=NUMBER with NAME one of ${LIMIT_NAMES.join(', ')}`);
  return { ...previous, [match[1]!]: Number(match[2]) };
}

function readPem(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new InvalidArgumentError(`cannot read ${file}`);
  }
}

/** Options shared by `site create` and `site update`. */
function addFieldOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'display name of the site')
    .option('--origin <url>', 'allowed browser origin, e.g. https://news.example.com (repeat for several)', collect)
    .addOption(
      new Option(
        '--moderation <mode>',
        'post: visible at once; pre: held for approval; first: held until one is approved',
      ).choices(['post', 'pre', 'first']),
    )
    .option('--edit-window <seconds>', 'how long authors may edit a comment (default 900)', integer)
    .option('--max-depth <n>', 'deepest reply level (default 3)', integer)
    .option('--limit <name=value>', `override a rate limit (repeatable): ${LIMIT_NAMES.join(', ')}`, limitPair)
    .option(
      '--public-key-file <pem>',
      'verify reader tokens with this RSA (RS256) or P-256 (ES256) public key instead of the secret',
      readPem,
    )
    .option('--blocked-word <word>', 'hold comments containing this word for review (repeatable)', collect)
    .addOption(
      new Option('--proof-of-work <who>', 'who solves a proof-of-work challenge before posting (default off)').choices([
        'off',
        'guests',
        'untrusted',
        'everyone',
      ]),
    )
    .option('--link-hold <n>', 'hold comments of untrusted authors with more than n links', integer)
    .option('--retention-days <n>', 'purge bodies of rejected and deleted comments after n days', integer)
    .option('--json', 'print JSON instead of text');
}

interface FieldOpts {
  name?: string;
  origin?: string[];
  guests?: boolean;
  moderation?: string;
  editWindow?: number;
  maxDepth?: number;
  limit?: Record<string, number>;
  publicKeyFile?: string;
  blockedWord?: string[];
  proofOfWork?: string;
  linkHold?: number;
  retentionDays?: number;
  json?: boolean;
}

function fields(o: FieldOpts): Record<string, unknown> {
  const all = {
    name: o.name,
    origins: o.origin,
    guests: o.guests,
    moderation: o.moderation,
    editWindowSec: o.editWindow,
    maxDepth: o.maxDepth,
    limits: o.limit,
    publicKey: o.publicKeyFile,
    blockedWords: o.blockedWord,
    proofOfWork: o.proofOfWork,
    linkHold: o.linkHold,
    retentionDays: o.retentionDays,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}

/** The `site` command group: create, list, show, update, rotate-secret, delete. */
export function siteCommands(withContext: WithContext): Command {
  const site = new Command('site').description(
    'manage sites (tenants): the same operations as the admin REST API, straight on the database',
  );

  addFieldOptions(site.command('create').description('create a site and print its secret (shown only this once)'))
    .requiredOption('--id <siteId>', 'site id: 2..40 characters of a-z, 0-9 and -')
    .option('--guests', 'let readers without an account comment with just a name', false)
    .addHelpText(
      'after',
      '\nExample:\n  npm run parley -- site create --id news --name "Daily News" --origin https://news.example.com --guests --moderation pre',
    )
    .action((o: FieldOpts & { id: string }) =>
      withContext(async ({ sites }) => {
        const input = parse(createSiteSchema, { siteId: o.id, ...fields(o), name: o.name ?? o.id });
        const { site: created, secret } = await sites.create(input);
        if (o.json) return printJson({ site: toPublicSite(created), secret });
        print(
          `Created site "${created.siteId}".\n${describeSite(toPublicSite(created))}\n${secretNotice(created.siteId, secret, false)}`,
        );
      }),
    );

  site
    .command('list')
    .description('list every site (never secrets)')
    .option('--json', 'print JSON instead of a table')
    .action((o: { json?: boolean }) =>
      withContext(async ({ sites }) => {
        const all = (await sites.list()).map(toPublicSite);
        if (o.json) printJson({ sites: all });
        else print(siteTable(all));
      }),
    );

  site
    .command('show')
    .description("show one site's settings (never its secret)")
    .argument('<siteId>')
    .option('--json', 'print JSON instead of text')
    .action((siteId: string, o: { json?: boolean }) =>
      withContext(async ({ sites }) => {
        const found = toPublicSite(await sites.get(siteId));
        if (o.json) printJson({ site: found });
        else print(describeSite(found));
      }),
    );

  addFieldOptions(site.command('update').description('change fields of a site (limits are merged, not replaced)'))
    .argument('<siteId>')
    .option('--guests', 'allow guests')
    .option('--no-guests', 'refuse guests')
    .option('--add-origin <url>', 'add one allowed origin (repeatable)', collect)
    .option('--remove-origin <url>', 'remove one allowed origin (repeatable)', collect)
    .option('--remove-public-key', 'go back to HS256 tokens signed with the site secret')
    .addHelpText(
      'after',
      '\nExample:\n  npm run parley -- site update news --add-origin https://www.news.example.com --moderation first --limit postsPerMinutePerUser=3',
    )
    .action((siteId: string, o: FieldOpts & { addOrigin?: string[]; removeOrigin?: string[]; removePublicKey?: boolean }) =>
      withContext(async ({ sites }) => {
        const change = fields(o);
        if (o.removePublicKey) change.publicKey = null;
        if (o.addOrigin || o.removeOrigin) {
          const current = (change.origins as string[] | undefined) ?? (await sites.get(siteId)).origins;
          const removed = new Set((o.removeOrigin ?? []).map((u) => u.replace(/\/$/, '')));
          change.origins = [...new Set([...current.filter((u) => !removed.has(u)), ...(o.addOrigin ?? [])])];
        }
        const { site: updated } = await sites.update(siteId, parse(updateSiteSchema, change));
        if (o.json) printJson({ site: toPublicSite(updated) });
        else print(`Updated site "${siteId}".\n${describeSite(toPublicSite(updated))}`);
      }),
    );

  site
    .command('rotate-secret')
    .description('replace the site secret; tokens signed with the old one stop working')
    .argument('<siteId>')
    .option('--json', 'print JSON instead of text')
    .action((siteId: string, o: { json?: boolean }) =>
      withContext(async ({ sites }) => {
        const { secret } = await sites.update(siteId, { rotateSecret: true });
        if (o.json) printJson({ siteId, secret });
        else print(secretNotice(siteId, secret!, true));
      }),
    );

  site
    .command('delete')
    .description('delete a site with all its pages, comments, reactions, flags, bans and audit log')
    .argument('<siteId>')
    .option('--yes', 'confirm: this cannot be undone')
    .action((siteId: string, o: { yes?: boolean }) =>
      withContext(async ({ sites }) => {
        if (!o.yes)
          throw errors.badRequest(`deleting "${siteId}" removes all its discussions for good; run again with --yes to confirm`);
        await sites.remove(siteId);
        print(`Deleted site "${siteId}" and all its data.`);
      }),
    );

  return site;
}
