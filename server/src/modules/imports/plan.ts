import { ownString, type SkipReason, type SourceComment, type SourceState } from './source';

/** Why a reply was moved to its thread's top level. */
export type OrphanReason =
  'parent-missing' | 'parent-spam' | 'parent-pending' | 'parent-skipped' | 'parent-on-other-page' | 'cycle';

/** What the plan says of one comment (a view made on demand: the plan itself keeps no object per comment). */
export interface PlanNode {
  /** Its place in the plan (file order of first appearance). */
  index: number;
  id: string;
  thread: string;
  /** createdAt in ms: the time part of the comment's id. */
  time: number;
  state: SourceState;
  skip: SkipReason | null;
  kept: boolean;
  /** The index of the comment it is attached to in Parley (after re-attaching orphans and capping depth), or -1. */
  to: number;
  depth: number;
  /** Visible replies attached to it by this import. */
  replies: number;
  orphan: OrphanReason | null;
}

const STATES: readonly SourceState[] = ['visible', 'pending', 'rejected', 'deleted'];
const SKIPS: readonly (SkipReason | null)[] = [
  null,
  'pingback',
  'trackback',
  'other-type',
  'spam',
  'trash',
  'deleted-without-replies',
  'duplicate-in-file',
  'unknown-thread',
  'invalid',
];
const ORPHANS: readonly (OrphanReason | null)[] = [
  null,
  'parent-missing',
  'parent-spam',
  'parent-pending',
  'parent-skipped',
  'parent-on-other-page',
  'cycle',
];
const VISIBLE = 0;
const PENDING = 1;
const REJECTED = 2;
const DELETED = 3;
const NO_PARENT = -1;
/** A parent id the file had not shown yet when its reply came (looked up again in `resolve`). */
const LATER = -2;
const KEPT = 1;
const PLACED = 2;
const WRITTEN = 4;

/** A typed array of twice the length holding the same values (columns grow by doubling). */
function grown<A extends Int32Array | Uint8Array | Float64Array>(a: A): A {
  const next = new (a.constructor as new (n: number) => A)(a.length * 2);
  next.set(a);
  return next;
}

/**
 * The import's first pass: every comment's place in the tree, decided before
 * anything is written, so a reply that comes before its parent in the file,
 * a deleted comment that still holds replies up, and replies to spam or
 * missing parents are all settled the same way. Kept compact (a comment is
 * an index into parallel typed arrays, ~60 bytes with its id) so the plan of
 * a million comments stays well inside the import's memory bound.
 */
export class ImportPlan {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly threadKeys: string[] = [];
  private readonly threadIndex = new Map<string, number>();
  /** Parent ids not seen yet when their reply was added, by the reply's index. */
  private readonly laterParents = new Map<number, string>();
  private thread = new Int32Array(1024);
  private parent = new Int32Array(1024);
  private to = new Int32Array(1024);
  private depth = new Int32Array(1024);
  private replies = new Int32Array(1024);
  private time = new Float64Array(1024);
  private state = new Uint8Array(1024);
  private skip = new Uint8Array(1024);
  private orphan = new Uint8Array(1024);
  private flags = new Uint8Array(1024);

  /** How many distinct comments were added. */
  get size(): number {
    return this.ids.length;
  }

  /** Records a comment; false when the file already had one with this id. */
  add(c: Pick<SourceComment, 'id' | 'threadKey' | 'parentId' | 'createdAt' | 'state' | 'skip'>): boolean {
    if (this.index.has(c.id)) return false;
    const i = this.ids.length;
    if (i === this.flags.length) this.grow();
    const id = ownString(c.id);
    this.ids.push(id);
    this.index.set(id, i);
    let t = this.threadIndex.get(c.threadKey);
    if (t === undefined) {
      t = this.threadKeys.push(ownString(c.threadKey)) - 1;
      this.threadIndex.set(this.threadKeys[t]!, t);
    }
    this.thread[i] = t;
    const parent = c.parentId === null ? NO_PARENT : (this.index.get(c.parentId) ?? LATER);
    if (parent === LATER) this.laterParents.set(i, ownString(c.parentId!));
    this.parent[i] = parent;
    this.time[i] = c.createdAt.getTime();
    this.state[i] = STATES.indexOf(c.state);
    this.skip[i] = SKIPS.indexOf(c.skip);
    this.to[i] = -1;
    return true;
  }

  private grow(): void {
    this.thread = grown(this.thread);
    this.parent = grown(this.parent);
    this.to = grown(this.to);
    this.depth = grown(this.depth);
    this.replies = grown(this.replies);
    this.time = grown(this.time);
    this.state = grown(this.state);
    this.skip = grown(this.skip);
    this.orphan = grown(this.orphan);
    this.flags = grown(this.flags);
  }

  /** The plan index of a source id, or -1. */
  find(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** What the plan says of the comment at an index. */
  node(i: number): PlanNode {
    return {
      index: i,
      id: this.ids[i]!,
      thread: this.threadKeys[this.thread[i]!]!,
      time: this.time[i]!,
      state: STATES[this.state[i]!]!,
      skip: SKIPS[this.skip[i]!]!,
      kept: (this.flags[i]! & KEPT) !== 0,
      to: this.to[i]!,
      depth: this.depth[i]!,
      replies: this.replies[i]!,
      orphan: ORPHANS[this.orphan[i]!]!,
    };
  }

  /** The source id and time of a comment (what its stored id is made of). */
  idParts(i: number): { id: string; time: number } {
    return { id: this.ids[i]!, time: this.time[i]! };
  }

  /** Marks a comment met by the write pass; false when it was met already (a repeated id). */
  markWritten(i: number): boolean {
    if (this.flags[i]! & WRITTEN) return false;
    this.flags[i] = this.flags[i]! | WRITTEN;
    return true;
  }

  /** Skips the comments of threads the file never described (`known` says which it did). */
  skipUnknownThreads(known: (threadKey: string) => boolean): void {
    const unknown = this.threadKeys.map((k) => !known(k));
    const reason = SKIPS.indexOf('unknown-thread');
    for (let i = 0; i < this.size; i++) if (unknown[this.thread[i]!] && !this.skip[i]) this.skip[i] = reason;
  }

  /** Calls `fn` with the thread key of every kept visible comment (page totals). */
  forEachVisible(fn: (threadKey: string) => void): void {
    for (let i = 0; i < this.size; i++)
      if (this.flags[i]! & KEPT && this.state[i] === VISIBLE) fn(this.threadKeys[this.thread[i]!]!);
  }

  /** Settles what is kept, where each kept comment hangs and its reply count; `maxDepth` as the site's. */
  resolve(maxDepth: number): void {
    for (const [i, parentId] of this.laterParents) this.parent[i] = this.index.get(parentId) ?? LATER;
    this.laterParents.clear();
    this.keep();
    for (let i = 0; i < this.size; i++) if (this.flags[i]! & KEPT) this.place(i, maxDepth);
    const to = this.to;
    for (let i = 0; i < this.size; i++)
      if (this.flags[i]! & KEPT && this.state[i] === VISIBLE && to[i]! >= 0) this.replies[to[i]!]!++;
  }

  /** A deleted comment is kept (as a tombstone) only while something kept hangs below it. */
  private keep(): void {
    const { flags, state, skip, parent, thread } = this;
    for (let i = 0; i < this.size; i++) {
      if (skip[i] || state[i] === DELETED) continue;
      flags[i] = flags[i]! | KEPT;
      let up = parent[i]!;
      while (up >= 0 && state[up] === DELETED && !(flags[up]! & KEPT) && !skip[up] && thread[up] === thread[i]) {
        flags[up] = flags[up]! | KEPT;
        up = parent[up]!;
      }
    }
    const reason = SKIPS.indexOf('deleted-without-replies');
    for (let i = 0; i < this.size; i++) if (!(flags[i]! & KEPT) && !skip[i]) skip[i] = reason;
  }

  private attachable(i: number, p: number): OrphanReason | null {
    if (p < 0) return 'parent-missing';
    if (this.thread[p] !== this.thread[i]) return 'parent-on-other-page';
    if (!(this.flags[p]! & KEPT)) return 'parent-skipped';
    if (this.state[p] === REJECTED) return 'parent-spam';
    if (this.state[p] === PENDING) return 'parent-pending';
    return null;
  }

  /** Places a comment after its ancestors, without recursion (threads can be thousands deep). */
  private place(start: number, maxDepth: number): void {
    const { flags, parent, to, depth } = this;
    const chain: number[] = [];
    const onChain = new Set<number>();
    let i = start;
    while (i >= 0 && !(flags[i]! & PLACED)) {
      chain.push(i);
      onChain.add(i);
      const p = parent[i]!;
      const reason = p === NO_PARENT ? null : onChain.has(p) ? 'cycle' : this.attachable(i, p);
      if (p === NO_PARENT || reason) {
        this.orphan[i] = ORPHANS.indexOf(reason);
        flags[i] = flags[i]! | PLACED;
        break;
      }
      i = p;
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const n = chain[k]!;
      if (flags[n]! & PLACED) continue;
      const p = parent[n]!;
      // At the depth cap a reply joins its parent's level, as a native reply would.
      if (depth[p]! >= maxDepth) {
        to[n] = to[p]!;
        depth[n] = depth[p]!;
      } else {
        to[n] = p;
        depth[n] = depth[p]! + 1;
      }
      flags[n] = flags[n]! | PLACED;
    }
  }
}
