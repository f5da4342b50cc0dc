/** Every Socket.IO room name Parley uses; nothing else builds room strings. */
export const rooms = {
  /** Readers of one page (reader namespace). */
  page: (siteId: string, pageId: string) => `page:${siteId}:${pageId}`,
  /** Every reader socket of a site, to disconnect them when the site is deleted. */
  site: (siteId: string) => `site:${siteId}`,
  /** All sockets of one signed-in user on a site: their own pending comments go here. */
  user: (siteId: string, userId: string) => `user:${siteId}:${userId}`,
  /** Moderators of a site (admin namespace). */
  moderators: (siteId: string) => `mod:${siteId}`,
};

/** Whether a room is a page room (of any site). */
export function isPageRoom(room: string): boolean {
  return room.startsWith('page:');
}
