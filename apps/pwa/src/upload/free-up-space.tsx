import { createResource, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { BackupSummary, LibraryClient } from '../library/library-client.ts';
import { backupSummaryLines } from './backup-label.ts';
import { loadMinCopies, saveMinCopies } from './free-space-setting.ts';

/** How long one step of a count may read months in the worker (see `BackupSummary.counting`). */
const COUNT_STEP_MS = 500;

/** Bytes as people read them (decimal units, like the phone's storage settings). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * "Free up space": removes from this browser the originals the home node holds (thumbnails and
 * previews stay, so the timeline and viewer still work offline; an original comes back from the
 * node when it is opened). Shows what it would free, asks before doing it, and says what it did,
 * including originals it kept because the node did not confirm it holds them. With "only
 * after 2 copies" set, an original counts only once two home nodes hold it. Above it, how many
 * photos are on no home node, or on only one.
 */
export function FreeUpSpace(props: {
  library: Pick<LibraryClient, 'spaceToFree' | 'freeUpSpace' | 'backupSummary'> &
    Partial<Pick<LibraryClient, 'onChange'>>;
}): JSX.Element {
  const lib = props.library;
  const [minCopies, setMinCopies] = createSignal(loadMinCopies());
  const [space, { refetch }] = createResource(
    minCopies,
    async (n) => (await lib.spaceToFree?.({ minCopies: n })) ?? null,
  );
  const [summary, setSummary] = createSignal<BackupSummary | null>(null);
  let counting = false;
  let again = false;
  let disposed = false;
  // One count at a time; asked again meanwhile, it runs once more after. A first count on a
  // device reads every month, so it goes in steps, each shown ("Counting… 34 of 180 months"):
  // the worker stays free for other calls between them, and the page is never blank.
  async function recount(): Promise<void> {
    if (!lib.backupSummary) return;
    if (counting) return void (again = true);
    counting = true;
    try {
      do {
        again = false;
        const s = await lib.backupSummary({ budgetMs: COUNT_STEP_MS });
        if (disposed) return;
        setSummary(s);
        if (s.counting) again = true;
      } while (again);
    } catch (e) {
      console.warn(`backup summary: ${String(e)}`);
    } finally {
      counting = false;
    }
  }
  // The counts follow the library while the page is open: a catalog change (a home node now
  // holds an original) and a change of the library's home nodes (one joined or was revoked:
  // `homeNodes`) both recount, coalesced. A recount reads only changed months, so it is cheap.
  onMount(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        void refetch();
        void recount();
      }, 500);
    };
    const off = lib.onChange?.(soon);
    void recount();
    onCleanup(() => {
      disposed = true;
      off?.();
      if (pending) clearTimeout(pending);
    });
  });
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal('');

  async function free(): Promise<void> {
    setConfirming(false);
    setBusy(true);
    setMessage('Freeing up space…');
    try {
      const r = await lib.freeUpSpace!({ minCopies: minCopies() });
      setMessage(
        `Freed ${formatBytes(r.bytes)} (${r.freed} ${r.freed === 1 ? 'original' : 'originals'})` +
          (r.kept ? `; kept ${r.kept} the home node did not confirm it holds` : '') +
          '.',
      );
    } catch (e) {
      setMessage(`Could not free up space: ${(e as Error).message ?? String(e)}`);
    } finally {
      setBusy(false);
      void refetch();
      void recount();
    }
  }

  return (
    <Show when={lib.freeUpSpace && space() !== null}>
      <section class="stack" aria-labelledby="free-space-title">
        <h2 id="free-space-title">Free up space</h2>
        <Show when={summary()}>
          {(s) => (
            <ul class="backup-summary" data-testid="backup-summary">
              <For each={backupSummaryLines(s())}>{(line) => <li>{line}</li>}</For>
            </ul>
          )}
        </Show>
        <p class="muted">
          Originals that are backed up to the home node can be removed from this device. Thumbnails and
          previews stay; an original is fetched again when you open it.
        </p>
        <label class="checkbox-row">
          <input
            type="checkbox"
            checked={minCopies() === 2}
            onChange={(e) => {
              const n = e.currentTarget.checked ? 2 : 1;
              saveMinCopies(n);
              setMinCopies(n);
            }}
            data-testid="free-after-two-copies"
          />
          Free up space only after 2 home nodes hold a copy
        </label>
        <div class="row">
          <button
            type="button"
            disabled={busy() || !space()?.count}
            onClick={() => setConfirming(true)}
            data-testid="free-up-space"
          >
            {space()?.count ? `Free up ${formatBytes(space()!.bytes)}` : 'Nothing to free up'}
          </button>
          <Show when={space()?.count}>
            <span class="muted">
              {space()!.count} backed-up {space()!.count === 1 ? 'original' : 'originals'} on this device
              {minCopies() === 2 ? ' (on 2 home nodes)' : ''}
            </span>
          </Show>
        </div>
        <Show when={confirming()}>
          <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && setConfirming(false)}>
            <div
              class="dialog"
              role="alertdialog"
              aria-modal="true"
              aria-labelledby="free-space-confirm"
              onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}
            >
              <h2 id="free-space-confirm">
                Remove {space()!.count} {space()!.count === 1 ? 'original' : 'originals'} (
                {formatBytes(space()!.bytes)}) from this device?
              </h2>
              <p>The home node keeps them. Each is removed only after the home node confirms it holds it.</p>
              <div class="row">
                <button type="button" class="danger" onClick={() => void free()}>
                  Remove from this device
                </button>
                <button type="button" class="ghost" autofocus onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </div>
          </div>
        </Show>
        <Show when={message()}>
          <p role="status">{message()}</p>
        </Show>
      </section>
    </Show>
  );
}
