import type { DataExport } from '@parley/protocol';
import {
  SECRETS_KEY,
  createSite,
  listComments,
  postComment,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
} from '../helpers/harness';
import { runParley } from '../helpers/processes';

// Each run starts a Node process with tsx (1-2 s on a busy machine).
jest.setTimeout(60_000);

const parley = (args: string[], env: Record<string, string>) => runParley(args, env);

describe('the parley CLI for readers’ data', () => {
  let node: TestNode;
  let env: Record<string, string>;
  beforeAll(async () => {
    const dbName = uniqueId('cli_trust').replace(/-/g, '_');
    node = await startNode({ dbName });
    const uri = new URL(process.env.TEST_MONGODB_URI!);
    uri.pathname = `/${dbName}`;
    env = { MONGODB_URI: uri.toString(), SECRETS_KEY };
  });
  afterAll(() => stopNode(node));

  test('when the owner exports and then erases a user id with the CLI, then the export has their comment and afterwards nothing shows it', async () => {
    const site = await createSite(node);
    const userId = uniqueId('carla');
    await postComment(node, site, '/cli', signToken(site, { sub: userId, name: 'Carla Cli' }), 'carla was here');
    const exported = await parley(['user', 'export', site.siteId, userId], env);
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.stdout) as DataExport;
    expect(data.comments.map((c) => [c.authorName, c.body])).toEqual([['Carla Cli', 'carla was here']]);

    const erased = await parley(['user', 'erase', site.siteId, userId, '--json'], env);
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout)).toEqual({ erased: { comments: { tombstoned: 0, removed: 1 }, reactions: 0, flags: 0 } });
    const listed = await listComments(node, site, '/cli');
    expect(JSON.stringify(listed.body)).not.toMatch(/Carla|carla/);

    const unknown = await parley(['user', 'export', 'no-such-site', userId], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/site not found/);
  });
});
