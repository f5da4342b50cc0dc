import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStoreError, buildStore } from '../../server/src/infra/embedded-store';

describe('building the embedded store', () => {
  test('when Go is not installed and the store was never built, then the error names the three ways out', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nogo-'));
    const savedPath = process.env.PATH;
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-empty-path-'));
    let error: unknown;
    try {
      await buildStore(() => undefined, { cacheDir });
    } catch (err) {
      error = err;
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
    expect(error).toBeInstanceOf(EmbeddedStoreError);
    const message = (error as Error).message;
    expect(message).toMatch(/install Go/);
    expect(message).toMatch(/MONGODB_URI/);
    expect(message).toMatch(/docker compose up/);
  });

  test('when the store is already built, then building again returns the cached binary at once without Go', async () => {
    const built = await buildStore();
    const savedPath = process.env.PATH;
    process.env.PATH = '';
    try {
      const started = Date.now();
      expect(await buildStore()).toBe(built);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(fs.statSync(built).mode & 0o111).not.toBe(0);
  });
});
