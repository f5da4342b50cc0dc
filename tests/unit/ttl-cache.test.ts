import { TtlCache } from '../../server/src/infra/ttl-cache';

/** A promise settled by the test. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup(opts: { ttlMs?: number; maxEntries?: number; refreshAfterMs?: number } = {}) {
  const clock = { t: 1000 };
  const cache = new TtlCache<string>({ ttlMs: 100, maxEntries: 10, ...opts, now: () => clock.t });
  const loads: string[] = [];
  const loader =
    (key: string, value = `${key}#${loads.length + 1}`) =>
    () => {
      loads.push(key);
      return Promise.resolve(value);
    };
  return { clock, cache, loads, loader };
}

describe('TtlCache', () => {
  test('when a key is read twice within its ttl, then it is loaded once', async () => {
    const { cache, loads, loader, clock } = setup();
    expect(await cache.get('a', loader('a'))).toBe('a#1');
    clock.t += 99;
    expect(await cache.get('a', loader('a'))).toBe('a#1');
    expect(loads).toEqual(['a']);
  });

  test('when the ttl has passed, then the next read loads again', async () => {
    const { cache, loads, loader, clock } = setup();
    await cache.get('a', loader('a'));
    clock.t += 100;
    expect(await cache.get('a', loader('a'))).toBe('a#2');
    expect(loads).toEqual(['a', 'a']);
  });

  test('when misses of one key arrive together, then they share one load', async () => {
    const { cache } = setup();
    const d = deferred<string>();
    let calls = 0;
    const load = () => (calls++, d.promise);
    const both = Promise.all([cache.get('a', load), cache.get('a', load)]);
    d.resolve('shared');
    expect(await both).toEqual(['shared', 'shared']);
    expect(calls).toBe(1);
  });

  test('when a load fails, then the failure reaches its readers and is not cached', async () => {
    const { cache, loader } = setup();
    await expect(cache.get('a', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await cache.get('a', loader('a', 'recovered'))).toBe('recovered');
  });

  test('when a key is forgotten while its load runs, then that stale result is never served afterwards', async () => {
    const { cache, loader } = setup();
    const stale = deferred<string>();
    const first = cache.get('a', () => stale.promise);
    cache.forget('a');
    const fresh = cache.get('a', loader('a', 'after the change'));
    stale.resolve('before the change');
    expect(await first).toBe('before the change');
    expect(await fresh).toBe('after the change');
    expect(await cache.get('a', loader('a', 'unused'))).toBe('after the change');
  });

  test('when a key is forgotten while its load runs and nobody reads meanwhile, then the next read loads again', async () => {
    const { cache, loader } = setup();
    const stale = deferred<string>();
    const first = cache.get('a', () => stale.promise);
    cache.forget('a');
    stale.resolve('before the change');
    await first;
    expect(await cache.get('a', loader('a', 'reloaded'))).toBe('reloaded');
  });

  test('when a hit is older than refreshAfterMs, then it answers at once and the background load replaces it', async () => {
    const { cache, clock } = setup({ refreshAfterMs: 60 });
    await cache.get('a', () => Promise.resolve('old'));
    clock.t += 70;
    const next = deferred<string>();
    let refreshes = 0;
    const load = () => (refreshes++, next.promise);
    expect(await cache.get('a', load)).toBe('old');
    expect(await cache.get('a', load)).toBe('old');
    expect(refreshes).toBe(1);
    next.resolve('new');
    await next.promise;
    expect(await cache.get('a', load)).toBe('new');
  });

  test('when a key is forgotten during a background refresh, then the refreshed value is not swapped in', async () => {
    const { cache, clock, loader } = setup({ refreshAfterMs: 60 });
    await cache.get('a', () => Promise.resolve('old'));
    clock.t += 70;
    const next = deferred<string>();
    await cache.get('a', () => next.promise);
    cache.forget('a');
    next.resolve('refreshed before the change');
    await next.promise;
    expect(await cache.get('a', loader('a', 'after the change'))).toBe('after the change');
  });

  test('when more keys than maxEntries are loaded, then the oldest goes first', async () => {
    const { cache, loads, loader } = setup({ maxEntries: 2 });
    await cache.get('a', loader('a'));
    await cache.get('b', loader('b'));
    await cache.get('c', loader('c'));
    expect(cache.size).toBe(2);
    await cache.get('b', loader('b'));
    await cache.get('a', loader('a'));
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });

  test('when keys are forgotten by a predicate, then only the matching ones load again', async () => {
    const { cache, loads, loader } = setup();
    await cache.get('s1/p1', loader('s1/p1'));
    await cache.get('s2/p1', loader('s2/p1'));
    cache.forgetWhere((k) => k.startsWith('s1/'));
    await cache.get('s1/p1', loader('s1/p1'));
    await cache.get('s2/p1', loader('s2/p1'));
    expect(loads).toEqual(['s1/p1', 's2/p1', 's1/p1']);
  });
});
