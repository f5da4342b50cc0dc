/** Tracks the promises of service calls made from socket handlers, so shutdown can wait for them. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** A view of `service` whose async methods are tracked until they settle. */
  track<T extends object>(service: T): T {
    return new Proxy(service, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) {
            this.pending.add(result);
            result.then(
              () => this.pending.delete(result),
              () => this.pending.delete(result),
            );
          }
          return result;
        };
      },
    });
  }

  /** Resolves once every tracked call has settled. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
