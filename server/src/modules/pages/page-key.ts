/** One string per page of a site, for maps and caches keyed by page (ids cannot hold NUL, so keys never collide). */
export function pageKey(siteId: string, pageId: string): string {
  return `${siteId}\u0000${pageId}`;
}

/** Whether a {@link pageKey} belongs to a page of `siteId`. */
export function isPageKeyOf(key: string, siteId: string): boolean {
  return key.startsWith(`${siteId}\u0000`);
}
