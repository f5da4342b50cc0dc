import { Gauge, type Registry } from 'prom-client';
import type { ParleyServer } from './io';
import { isPageRoom } from './rooms';

/**
 * Registers the gauges read from the live Socket.IO state at scrape time: page
 * rooms with a reader on this node, and readers following a page (a socket that
 * follows two pages counts twice). Nothing is counted on the hot path.
 */
export function observeRealtime(registry: Registry, io: ParleyServer): void {
  const pageRooms = () => {
    const all = io.of('/').adapter.rooms;
    return [...all].filter(([name]) => isPageRoom(name));
  };
  new Gauge({
    name: 'parley_page_rooms',
    help: 'Page rooms with at least one reader connected to this node',
    registers: [registry],
    collect() {
      this.set(pageRooms().length);
    },
  });
  new Gauge({
    name: 'parley_page_readers',
    help: 'Readers following a page on this node (one per socket and page)',
    registers: [registry],
    collect() {
      this.set(pageRooms().reduce((sum, [, members]) => sum + members.size, 0));
    },
  });
}
