import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  createSite,
  emitAck,
  nextEvent,
  postComment,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
} from '../helpers/harness';

const DASHBOARD = path.join(__dirname, '../../docs/grafana/parley-dashboard.json');

/** One sample value of /metrics (the first line starting with `series`), or null. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

/** Metric names a PromQL expression selects (every selector in the dashboard carries a `{…}` matcher). */
function selectedMetrics(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);
}

/** The metric family a series name belongs to (histogram series add _bucket, _sum, _count). */
const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

describe('metrics', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when /metrics is scraped, then the default Node.js and process metrics carry their standard names', async () => {
    const res = await request(node.url).get('/metrics');
    expect(res.status).toBe(200);
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes'])
      expect(sample(res.text, name)).toEqual(expect.any(Number));
    expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(res.text).not.toMatch(/^parley_(process|nodejs)_/m);
  });

  test('when a reader follows a page and a comment is posted, then the ack and fan-out histograms and the room gauges count them', async () => {
    const site = await createSite(node);
    const pageId = uniqueId('page');
    const before = await request(node.url).get('/metrics');
    const ackCount = (text: string) => sample(text, 'parley_post_ack_seconds_count{outcome="stored"}') ?? 0;
    const fanoutCount = (text: string) => sample(text, 'parley_fanout_seconds_count{event="comment:created"}') ?? 0;

    const reader = await readerSocket(node, { siteId: site.siteId });
    await emitAck(reader, 'page:join', { pageId });
    const arrived = nextEvent(reader, 'comment:created');
    expect((await postComment(node, site, pageId, signToken(site), 'counted')).status).toBe(201);
    await arrived;

    const after = await request(node.url).get('/metrics');
    expect(ackCount(after.text) - ackCount(before.text)).toBe(1);
    expect(fanoutCount(after.text) - fanoutCount(before.text)).toBe(1);
    expect(sample(after.text, 'parley_page_rooms')).toBeGreaterThanOrEqual(1);
    expect(sample(after.text, 'parley_page_readers')).toBeGreaterThanOrEqual(1);
    expect(after.text).toMatch(/^parley_post_ack_seconds_bucket\{le="0\.005",outcome="stored"\} \d+/m);

    await emitAck(reader, 'page:leave', { pageId });
    const left = await request(node.url).get('/metrics');
    expect(sample(left.text, 'parley_page_readers')).toBe((sample(after.text, 'parley_page_readers') ?? 0) - 1);
  });

  test('when the Grafana dashboard is read, then it parses and names only metrics /metrics exposes', async () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
      title: string;
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { definition?: string }[] };
    };
    expect(dashboard.title).toBe('Parley');
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) expect(selectedMetrics(expr).length).toBeGreaterThan(0);
    const variables = dashboard.templating.list.flatMap((v) => [...(v.definition ?? '').matchAll(/label_values\((\w+)/g)]);
    const used = new Set([...exprs.flatMap(selectedMetrics), ...variables.map((m) => m[1]!)].map(family));
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'parley_post_ack_seconds',
      'parley_fanout_seconds',
      'parley_page_rooms',
      'parley_page_readers',
    ])
      expect(used).toContain(name);

    const exposed = (await request(node.url).get('/metrics')).text;
    const families = new Set([...exposed.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    expect([...used].filter((name) => !families.has(name))).toEqual([]);
  });
});
