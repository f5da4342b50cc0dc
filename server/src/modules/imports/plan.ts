import type { SkipReason, SourceComment, SourceState } from './source';

/** Why a reply was moved to its thread's top level. */
export type OrphanReason =
  'parent-missing' | 'parent-spam' | 'parent-pending' | 'parent-skipped' | 'parent-on-other-page' | 'cycle';

/** What the first pass keeps of one source comment (no text: memory stays small). */
export interface PlanNode {
  id: string;
  thread: string;
  parent: string | null;
  /** createdAt in ms: the time part of the comment's id. */
  time: number;
  state: SourceState;
  skip: SkipReason | null;
  kept: boolean;
  /** The comment it is attached to in Parley (after re-attaching orphans and capping depth). */
  to: PlanNode | null;
  depth: number;
  /** Visible replies attached to it by this import. */
  replies: number;
  orphan: OrphanReason | null;
  placed: boolean;
  /** Set by the second pass when it meets the comment, so a repeated id is noticed. */
  written: boolean;
}

/**
 * The import's first pass: every comment's place in the tree, decided before
 * anything is written, so a reply that comes before its parent in the file,
 * a deleted comment that still holds replies up, and replies to spam or
 * missing parents are all settled the same way.
 */
export class ImportPlan {
  readonly nodes = new Map<string, PlanNode>();

  /** Records a comment; false when the file already had one with this id. */
  add(c: Pick<SourceComment, 'id' | 'threadKey' | 'parentId' | 'createdAt' | 'state' | 'skip'>): boolean {
    if (this.nodes.has(c.id)) return false;
    this.nodes.set(c.id, {
      id: c.id,
      thread: c.threadKey,
      parent: c.parentId,
      time: c.createdAt.getTime(),
      state: c.state,
      skip: c.skip,
      kept: false,
      to: null,
      depth: 0,
      replies: 0,
      orphan: null,
      placed: false,
      written: false,
    });
    return true;
  }

  /** Settles what is kept, where each kept comment hangs and its reply count; `maxDepth` as the site's. */
  resolve(maxDepth: number): void {
    this.keep();
    for (const node of this.nodes.values()) if (node.kept) this.place(node, maxDepth);
    for (const node of this.nodes.values()) if (node.kept && node.state === 'visible' && node.to) node.to.replies++;
  }

  /** A deleted comment is kept (as a tombstone) only while something kept hangs below it. */
  private keep(): void {
    for (const node of this.nodes.values()) {
      if (node.skip || node.state === 'deleted') continue;
      node.kept = true;
      let up = node.parent ? this.nodes.get(node.parent) : undefined;
      while (up && up.state === 'deleted' && !up.kept && !up.skip && up.thread === node.thread) {
        up.kept = true;
        up = up.parent ? this.nodes.get(up.parent) : undefined;
      }
    }
    for (const node of this.nodes.values()) if (!node.kept && !node.skip) node.skip = 'deleted-without-replies';
  }

  private attachable(node: PlanNode, parent: PlanNode | undefined): OrphanReason | null {
    if (!parent) return 'parent-missing';
    if (parent.thread !== node.thread) return 'parent-on-other-page';
    if (!parent.kept) return 'parent-skipped';
    if (parent.state === 'rejected') return 'parent-spam';
    if (parent.state === 'pending') return 'parent-pending';
    return null;
  }

  /** Places a node after its ancestors, without recursion (threads can be thousands deep). */
  private place(start: PlanNode, maxDepth: number): void {
    const chain: PlanNode[] = [];
    const onChain = new Set<PlanNode>();
    let node: PlanNode | undefined = start;
    while (node && !node.placed) {
      chain.push(node);
      onChain.add(node);
      const parent: PlanNode | undefined = node.parent ? this.nodes.get(node.parent) : undefined;
      const reason = node.parent === null ? null : parent && onChain.has(parent) ? 'cycle' : this.attachable(node, parent);
      if (node.parent === null || reason) {
        node.orphan = reason;
        node.placed = true;
        break;
      }
      node = parent;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i]!;
      if (n.placed) continue;
      const parent = this.nodes.get(n.parent!)!;
      // At the depth cap a reply joins its parent's level, as a native reply would.
      if (parent.depth >= maxDepth) ({ to: n.to, depth: n.depth } = parent);
      else ({ to: n.to, depth: n.depth } = { to: parent, depth: parent.depth + 1 });
      n.placed = true;
    }
  }
}
