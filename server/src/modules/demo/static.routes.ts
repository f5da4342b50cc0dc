import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { REPO_ROOT } from '../../paths';

const SDK_DIST = path.join(REPO_ROOT, 'client-sdk', 'dist');
const PUBLIC = path.join(REPO_ROOT, 'server', 'public');

/**
 * The widget (`/embed.js`, ETag-revalidated), the SDK bundles under `/sdk/`,
 * the moderation page (`/moderate`) and, in development, the demo article at `/`.
 */
export function staticRouter(opts: { dev: boolean }): Router {
  const r = Router();
  r.get('/embed.js', (_req, res, next) => {
    const file = path.join(SDK_DIST, 'embed.js');
    if (!fs.existsSync(file)) return next();
    // Short max-age plus ETag revalidation: site owners embed a fixed URL, so it cannot be immutable.
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(file, { etag: true, lastModified: false });
  });
  r.use(
    '/sdk',
    express.static(SDK_DIST, {
      etag: true,
      maxAge: '5m',
      setHeaders: (res) => res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin'),
    }),
  );
  r.use('/assets', express.static(path.join(PUBLIC, 'assets'), { etag: true, maxAge: '5m' }));
  r.get('/moderate', (_req, res, next) => {
    const file = path.join(PUBLIC, 'moderate.html');
    if (!fs.existsSync(file)) return next();
    res.sendFile(file);
  });
  if (opts.dev) {
    r.get('/', (_req, res, next) => {
      const file = path.join(PUBLIC, 'demo.html');
      if (!fs.existsSync(file)) return next();
      res.sendFile(file);
    });
  }
  return r;
}
