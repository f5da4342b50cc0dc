/**
 * Proof-of-work solving for the SDK and the widget: ALTCHA v2 challenges
 * (PBKDF2/SHA-256) solved with WebCrypto on the calling thread. No Web Worker:
 * a worker must come from the page's own origin or a `blob:` URL, which strict
 * CSPs (`worker-src`) refuse, and the widget runs on other people's pages.
 * Each attempt is one native PBKDF2 call the browser runs off the main thread;
 * between attempts the solver yields to the event loop at least every few
 * milliseconds, so typing never waits on it.
 */
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import type { PowChallengeResponse } from './protocol';

/** Longest stretch the solver keeps the thread before yielding, in milliseconds. */
const SLICE_MS = 8;

/** Options of {@link solvePow}. */
export interface SolveOptions {
  /** Stops the solver; it then resolves with null. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds (null result). @default 120000 */
  timeoutMs?: number;
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Solves a challenge from `GET /sites/:siteId/challenge`; resolves with the `proofOfWork` string to post, or null. */
export async function solvePow(res: PowChallengeResponse, opts: SolveOptions = {}): Promise<string | null> {
  let sliceStart = Date.now();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const solution = await solveChallenge({
      challenge: res.challenge,
      controller,
      timeout: opts.timeoutMs ?? 120_000,
      deriveKey: async (parameters, salt, password) => {
        if (Date.now() - sliceStart >= SLICE_MS) {
          await yieldToLoop();
          sliceStart = Date.now();
        }
        return deriveKey(parameters, salt, password);
      },
    });
    if (!solution) return null;
    return toBase64(
      JSON.stringify({ challenge: res.challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } }),
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
