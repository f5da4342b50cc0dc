import { Command } from 'commander';
import { Redis } from 'ioredis';
import type { Config } from '../config';
import { parse } from '../validate';
import { REDIS_OPTIONS } from '../infra/redis';
import { createLogger } from '../logger';
import { DurableQueue, QUEUE_NAMES } from '../modules/notifications/queues';
import { createWebhookSchema, updateWebhookSchema, webhookParams, webhookSiteParams } from '../modules/webhooks/webhooks.schemas';
import type { WithContext } from './site-commands';
import { print, printJson } from './site-output';

const events = (v: string) => v.split(',').map((e) => e.trim());

/** The `webhook` command group: the same service as the admin REST API. */
export function webhookCommands(withContext: WithContext): Command {
  const hook = new Command('webhook').description("a site's webhooks: register, list, change, remove, see deliveries");
  hook
    .command('create')
    .description('register a webhook; prints its signing secret once')
    .argument('<siteId>')
    .argument('<url>')
    .requiredOption(
      '--events <list>',
      'comma-separated: comment.created,comment.updated,comment.deleted,comment.approved,comment.rejected,comment.flagged,user.banned,page.locked',
    )
    .action((siteId: string, url: string, o: { events: string }) =>
      withContext(async ({ webhooks }) => {
        const { siteId: id } = parse(webhookSiteParams, { siteId });
        const created = await webhooks.create(id, parse(createWebhookSchema, { url, events: events(o.events) }));
        printJson(created);
        process.stderr.write('Keep the secret: it is shown only now. Receivers check Parley-Signature with it.\n');
      }),
    );
  hook
    .command('list')
    .argument('<siteId>')
    .action((siteId: string) =>
      withContext(async ({ webhooks }) =>
        printJson({ webhooks: await webhooks.list(parse(webhookSiteParams, { siteId }).siteId) }),
      ),
    );
  hook
    .command('show')
    .argument('<siteId>')
    .argument('<id>')
    .action((siteId: string, id: string) =>
      withContext(async ({ webhooks }) => {
        const p = parse(webhookParams, { siteId, id });
        printJson({ webhook: await webhooks.get(p.siteId, p.id) });
      }),
    );
  hook
    .command('update')
    .argument('<siteId>')
    .argument('<id>')
    .option('--url <url>')
    .option('--events <list>')
    .option('--active <bool>', 'true or false')
    .action((siteId: string, id: string, o: { url?: string; events?: string; active?: string }) =>
      withContext(async ({ webhooks }) => {
        const p = parse(webhookParams, { siteId, id });
        const input = parse(updateWebhookSchema, {
          ...(o.url ? { url: o.url } : {}),
          ...(o.events ? { events: events(o.events) } : {}),
          ...(o.active ? { active: o.active === 'true' ? true : o.active === 'false' ? false : o.active } : {}),
        });
        printJson({ webhook: await webhooks.update(p.siteId, p.id, input) });
      }),
    );
  hook
    .command('delete')
    .argument('<siteId>')
    .argument('<id>')
    .action((siteId: string, id: string) =>
      withContext(async ({ webhooks }) => {
        const p = parse(webhookParams, { siteId, id });
        await webhooks.remove(p.siteId, p.id);
        print(`deleted webhook ${p.id}`);
      }),
    );
  hook
    .command('deliveries')
    .description('recent attempts, newest first')
    .argument('<siteId>')
    .argument('<id>')
    .action((siteId: string, id: string) =>
      withContext(async ({ webhooks }) => {
        const p = parse(webhookParams, { siteId, id });
        printJson({ deliveries: await webhooks.deliveries(p.siteId, p.id, 100) });
      }),
    );
  return hook;
}

/** `notifications failed`: the dead letters of the mail and webhook queues, read from Redis. */
export function notificationCommands(config: () => Config): Command {
  const n = new Command('notifications').description('the durable queues of reply emails, moderator alerts and webhooks');
  n.command('failed')
    .description('emails and webhook deliveries that used up their retries (REDIS_URL, default redis://127.0.0.1:6379)')
    .option('--limit <n>', 'at most this many of each', '50')
    .action(async (o: { limit: string }) => {
      const redis = new Redis(config().redisUrl ?? 'redis://127.0.0.1:6379', REDIS_OPTIONS);
      redis.on('error', () => undefined);
      const logger = createLogger('silent');
      const queues = [QUEUE_NAMES.mail, QUEUE_NAMES.webhooks].map(
        (name) => new DurableQueue<Record<string, unknown>>(name, { redis, keyPrefix: 'parley:', logger }, {}),
      );
      try {
        const limit = Math.max(1, Math.min(1000, Number(o.limit) || 50));
        const out: Record<string, unknown[]> = {};
        for (const q of queues)
          out[q.name] = (await q.failed(limit)).map((j) => ({
            id: j.id,
            data: { ...j.data, body: undefined },
            attempts: j.attemptsMade,
            reason: j.failedReason,
            failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
          }));
        printJson(out);
      } finally {
        await Promise.all(queues.map((q) => q.close()));
        redis.disconnect();
      }
    });
  return n;
}
