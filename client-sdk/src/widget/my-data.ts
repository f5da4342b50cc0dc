/**
 * "Your data" under the post form: a signed-in reader (or a guest) downloads
 * everything the site's Parley holds about them, or erases it.
 */
import { h } from './dom';
import { saveGuestToken } from './identity';
import type { WidgetTexts } from './texts';
import type { WidgetPort } from './port';

/** The collapsed "Your data" section with its two buttons. */
export function myDataSection(t: WidgetTexts): HTMLElement {
  return h(
    'details',
    { class: 'mydata' },
    h('summary', { text: t.yourData }),
    h('button', { type: 'button', class: 'secondary', 'data-act': 'export-data', text: t.downloadData }),
    h('button', { type: 'button', class: 'secondary', 'data-act': 'erase-data', text: t.eraseData }),
  );
}

/** Downloads the reader's export as a JSON file. */
export async function downloadMyData(w: WidgetPort): Promise<void> {
  const data = await w.client.exportMyData();
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = h('a', { href: url, download: `parley-${w.site}-my-data.json`, hidden: true });
  w.root.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Erases the reader's data after a confirmation; a guest also forgets their token. */
export async function eraseMyData(w: WidgetPort): Promise<void> {
  if (!window.confirm(w.texts.eraseConfirm)) return;
  await w.client.eraseMyData();
  if (w.dead) return;
  w.announce(w.texts.erased);
  if (w.viewer?.guest) {
    saveGuestToken(w.site, null);
    w.setToken(null);
  } else void w.load();
}
