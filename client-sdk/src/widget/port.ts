import type { ParleyClient } from '../client';
import type { Comment, SortOrder } from '../protocol';
import type { Composer } from './composer';
import type { Viewer } from './identity';
import type { WidgetTexts } from './texts';
import type { PostWork } from './work';

/**
 * What the widget's collaborators (actions, live events, "Your data") may see
 * and ask of it: read-only state, and changes by name. The widget implements it;
 * they never import the widget itself, nor write its fields.
 */
export interface WidgetPort {
  readonly client: ParleyClient;
  readonly texts: WidgetTexts;
  /** The site, the page and the top-level page size of this widget. */
  readonly site: string;
  readonly page: string;
  readonly pageSize: number;
  /** The root element (downloads are attached to it). */
  readonly root: HTMLElement;
  /** Proof of work solved while the reader types. */
  readonly work: PostWork;
  /** The post form, while one is shown. */
  readonly composer: Composer | null;
  readonly viewer: Viewer | null;
  readonly sort: SortOrder;
  /** Set once destroyed: late results do nothing. */
  readonly dead: boolean;

  /** Switches the order and reloads the thread. */
  changeSort(sort: SortOrder): Promise<void>;
  /** Signs a guest in with a token just issued (the form re-renders, the draft stays). */
  signInGuest(token: string): void;
  /** Signs the reader in or out and reloads. */
  setToken(token: string | null): void;
  /** The site refuses guests: the form says so. */
  refuseGuests(): void;
  /** Moves the "N comments" heading. */
  addToTotal(delta: number): void;
  /** (Re)loads the first page. */
  load(): Promise<void>;
  /** Renders a page of top-level comments and fetches their first replies. */
  appendPage(comments: Comment[], nextCursor: string | null): void;
  /** Fetches the next replies of a comment. */
  loadReplies(id: string, limit?: number): Promise<void>;
  /** Shows the waiting-comments button, or hides it when none wait. */
  updateNewButton(): void;
  /** Shows a status line under the form, or hides it with null. */
  showStatus(message: string | null): void;
  /** Says something to screen readers. */
  announce(message: string): void;
}
