/**
 * A minimal typed listener registry for the clients' `on(event, fn)`: each
 * subscription returns its own unsubscribe, and one throwing listener cannot
 * stop the others (nor break the socket handler that dispatches to them).
 */

/** Listener sets keyed by event name, typed by an event map. */
export class Listeners<Events extends { [K in keyof Events]: (payload: never) => void }> {
  private readonly sets = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Subscribes `fn` to `event`; the returned function unsubscribes it (idempotent). */
  on<K extends keyof Events>(event: K, fn: Events[K]): () => void {
    let set = this.sets.get(event);
    if (!set) this.sets.set(event, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /** Calls every listener of `event` with `payload`. */
  emit<K extends keyof Events>(event: K, payload: Parameters<Events[K]>[0]): void {
    const set = this.sets.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (p: Parameters<Events[K]>[0]) => void)(payload);
      } catch (err) {
        // A listener's bug belongs to the application: report it without breaking delivery.
        setTimeout(() => {
          throw err;
        }, 0);
      }
    }
  }
}
