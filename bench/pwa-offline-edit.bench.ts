/**
 * pwa-offline-edit: an album edited on a device while it is offline, and on another device
 * meanwhile, until both devices show both edits once the first is back online. Real
 * Chromium pages paired with a real home node (`hearth start` in its own process), driven
 * through the UI like e2e/catalog-sync.e2e.ts.
 *
 * Each round: device A goes offline (its libp2p connection gone too) and adds a photo to the
 * album; device B renames the album; A comes back online. Clocks start when A's page shows
 * the home node connected again (a peer: "1 peer", or more once the other browser's direct
 * WebRTC connection is back too); marks are taken in the pages (Date.now(), polled
 * every few ms). Metrics (medians over the rounds):
 * - `converge_ms`: until both edits are visible on both devices (goal ≤ 1000);
 *   anchor, same run: `online_edit_ms`, a rename on B visible on A while both are online.
 * - `to_other_ms`: A's offline edit visible on B; `from_other_ms`: B's edit visible on A.
 *
 * `npm run bench -- pwa-offline-edit [rounds]` (rounds ≤ 8, default 5)
 */
import {
  addToAlbum,
  goOffline,
  hasChromium,
  NATURE_PHOTOS,
  newPairingLink,
  openAlbum,
  pairDevice,
  renameAlbum,
  startSyncedHome,
} from '@hearth/pwa/e2e';
import type { Page } from 'playwright-core';
import { median, report } from './report.ts';

const rounds = Math.min(Number(process.argv[2] ?? 5), NATURE_PHOTOS - 1);

if (!hasChromium) {
  console.error('pwa-offline-edit: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

type Probe = { kind: 'peer' } | { kind: 'title'; title: string } | { kind: 'count'; count: number };

/** Starts polling in the page; the first time `probe` holds, the time is kept under `key`. */
function watch(page: Page, key: string, probe: Probe): Promise<void> {
  return page.evaluate(
    ({ key, probe }) => {
      const w = window as unknown as { __marks?: Record<string, number> };
      const marks = (w.__marks ??= {});
      delete marks[key];
      const holds = (): boolean => {
        if (probe.kind === 'peer')
          return /(^|\D)[1-9]\d* peers?\b/.test(document.querySelector('.sync-status')?.textContent ?? '');
        if (probe.kind === 'title')
          return (
            (document.querySelector('input[aria-label="Album title"]') as HTMLInputElement | null)?.value ===
            probe.title
          );
        const n = probe.count;
        return (
          document.querySelector('[data-testid=album-count]')?.textContent?.trim() ===
          `${n} item${n === 1 ? '' : 's'}`
        );
      };
      const timer = setInterval(() => {
        if (!holds()) return;
        marks[key] = Date.now();
        clearInterval(timer);
      }, 2);
    },
    { key, probe },
  );
}

/** The time kept under `key` (bounded wait). */
async function mark(page: Page, key: string): Promise<number> {
  const handle = await page.waitForFunction(
    (k) => (window as unknown as { __marks?: Record<string, number> }).__marks?.[k],
    key,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

const home = await startSyncedHome();
const converge: number[] = [];
const toOther: number[] = [];
const fromOther: number[] = [];
const online: number[] = [];
try {
  const a = await pairDevice(home, home.node.pairingLink, 'Laptop A');
  const b = await pairDevice(home, newPairingLink(home), 'Phone B');
  await addToAlbum(a.page, 0, 0, 'Trip');
  await openAlbum(a.page, /Trip/);
  await openAlbum(b.page, /Trip/);
  await b.page.getByTestId('album-count').filter({ hasText: '1 item' }).waitFor();

  for (let r = 0; r < rounds; r++) {
    // Anchor: an edit while both are online, from B's change event to A's screen.
    await watch(a.page, 'online', { kind: 'title', title: `Online ${r}` });
    const field = b.page.getByRole('textbox', { name: 'Album title' });
    await field.fill(`Online ${r}`);
    const edited = Date.now();
    await field.blur();
    online.push((await mark(a.page, 'online')) - edited);

    await goOffline(a);
    await addToAlbum(a.page, r + 1, r + 1, /Online|Trip/);
    await openAlbum(a.page, /Online|Trip/);
    const items = r + 2;
    await a.page
      .getByTestId('album-count')
      .filter({ hasText: `${items} items` })
      .waitFor();
    await renameAlbum(b.page, `Trip ${r}`);

    await watch(a.page, 'up', { kind: 'peer' });
    await watch(a.page, 'title', { kind: 'title', title: `Trip ${r}` });
    await watch(b.page, 'count', { kind: 'count', count: items });
    await a.context.setOffline(false);
    const up = await mark(a.page, 'up');
    const onA = (await mark(a.page, 'title')) - up;
    const onB = (await mark(b.page, 'count')) - up;
    fromOther.push(onA);
    toOther.push(onB);
    converge.push(Math.max(onA, onB));
    console.error(
      `round ${r}: converge ${Math.max(onA, onB)} ms (to B ${onB}, to A ${onA}); online edit ${online.at(-1)} ms`,
    );
  }
} finally {
  await home.close();
}
const value = median(converge);
const anchor = median(online);
report({
  bench: 'pwa-offline-edit',
  metric: 'converge_ms',
  value,
  unit: 'ms',
  anchor: { name: 'online_edit_ms', value: anchor },
  ratio: value / anchor,
});
report({ bench: 'pwa-offline-edit', metric: 'converge_max_ms', value: Math.max(...converge), unit: 'ms' });
report({ bench: 'pwa-offline-edit', metric: 'to_other_ms', value: median(toOther), unit: 'ms' });
report({ bench: 'pwa-offline-edit', metric: 'from_other_ms', value: median(fromOther), unit: 'ms' });
report({ bench: 'pwa-offline-edit', metric: 'rounds', value: rounds, unit: 'rounds' });
