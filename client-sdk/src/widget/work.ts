/**
 * The widget's proof of work: when the site asks this reader for one, the
 * first keystroke in any comment form starts solving a challenge in the
 * background (time-sliced on the page's thread, see ../pow.ts), so by the time
 * the reader presses "Post" the work is usually done. Screen readers hear when
 * it starts and when it is ready; nothing else changes for the reader.
 */
import type { ParleyClient } from '../client';
import type { ProofOfWorkMode } from '../protocol';
import type { Viewer } from './identity';

/** What the solver needs from the widget. */
export interface WorkDeps {
  client: ParleyClient;
  /** Polite live-region message. */
  announce: (message: string) => void;
  texts: { workStarted: string; workReady: string };
}

/** Solves at most one challenge ahead of the next post. */
export class PostWork {
  mode: ProofOfWorkMode = 'off';
  private solving: Promise<string | null> | null = null;
  private controller: AbortController | null = null;
  constructor(private readonly deps: WorkDeps) {}

  /** Whether the site asks this reader for work (the server has the last word: the SDK still solves on `pow_required`). */
  needed(viewer: Viewer | null): boolean {
    if (this.mode === 'off' || viewer?.moderator) return false;
    if (this.mode === 'guests') return !viewer || viewer.guest;
    return true;
  }

  /** Starts solving if needed and not already under way (called on typing). */
  warm(viewer: Viewer | null): void {
    if (this.solving || !this.needed(viewer)) return;
    this.controller = new AbortController();
    this.deps.announce(this.deps.texts.workStarted);
    const solving = this.deps.client.solveChallenge({ signal: this.controller.signal }).catch(() => null);
    this.solving = solving;
    void solving.then((proof) => {
      if (proof && this.solving === solving) this.deps.announce(this.deps.texts.workReady);
    });
  }

  /** The proof for the post being sent (waiting for the solver if it is still running), or undefined. */
  async take(viewer: Viewer | null): Promise<string | undefined> {
    if (!this.needed(viewer)) return undefined;
    this.warm(viewer);
    const proof = await this.solving;
    this.solving = null;
    return proof ?? undefined;
  }

  /** Stops any solving (the widget is going away). */
  stop(): void {
    this.controller?.abort();
    this.solving = null;
  }
}
