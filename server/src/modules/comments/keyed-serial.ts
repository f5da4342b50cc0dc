/**
 * Runs async tasks one at a time per key, in arrival order, within this process.
 *
 * Why: the embedded store (FerretDB v1) applies every update — `$inc` included —
 * as read, modify in memory, write the whole document back, with nothing to stop
 * two writers from interleaving. Two concurrent `$inc`s on one page or comment then
 * lose one increment (seen as a page total of 257 after 306 posts). Serializing
 * the writes to one document on this node makes counters exact on a single node;
 * on MongoDB `$inc` is atomic anyway and this only queues writes to a hot document.
 * Several nodes sharing one embedded store can still race (production uses MongoDB).
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task of the same key has settled; resolves or rejects as `task` does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget the key once nothing is queued behind this task, so the map stays small.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
