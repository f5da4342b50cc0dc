import { Router } from 'express';
import type { Registry } from 'prom-client';

/** A named dependency check for `/readyz`. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

/** `/healthz` (process up), `/readyz` (stores reachable), `/metrics` (Prometheus). */
export function healthRouter(checks: ReadinessCheck[], registry: Registry, state: { shuttingDown: boolean }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const));
    const down = results.filter(([, ok]) => !ok).map(([name]) => name);
    if (state.shuttingDown) down.push('shutting down');
    const body = {
      status: down.length ? 'unavailable' : 'ok',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'up' : 'down'])),
    };
    if (down.length) {
      res.status(503).json({ ...body, error: { code: 'unavailable', message: `not ready: ${down.join(', ')} unavailable` } });
    } else res.json(body);
  });
  r.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return r;
}
