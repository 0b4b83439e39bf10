import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { usePeer } from '../peer/peer-context.tsx';
import { useLibrary } from '../shell/library-context.tsx';
import { setNavigationOrder } from '../shell/navigation-order.ts';
import { createSearchClient, type SearchClient } from './search-client.ts';
import { SearchGrid } from './search-grid.tsx';
import type { SearchResult } from './search-types.ts';

/** Typing settles for this long before a query goes out. */
const DEBOUNCE_MS = 150;
/** While the search model downloads, the same query is asked again this often (results improve once it is in). */
const LOADING_POLL_MS = 1000;
/**
 * After the library or the index changed (a photo synced in, an edit, machine words), a shown query is asked again this
 * much later: one question for a burst of changes (a sync brings many), never put off by the next.
 */
export const RERUN_MS = 400;

/** True when a key press belongs to a text field (then `/` is typed, not a shortcut). */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

/**
 * The search page: a search box (`/` focuses it), two filters, and the matching photos as
 * timeline tiles that open the viewer. Answers come from this device's own data (the synced
 * catalog in the peer worker, or the local replica), so search works offline. The query is
 * in the URL, so coming back from the viewer shows the same results. A shown answer is asked
 * again when the library or the search index changes (a photo synced in while it is on screen
 * appears; so does one whose machine tags arrive).
 */
export function SearchView(props: { client?: SearchClient }): JSX.Element {
  const lib = useLibrary();
  const client = props.client ?? createSearchClient(lib, usePeer());
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams<{ q?: string; fav?: string; arch?: string }>();
  const [result, setResult] = createSignal<SearchResult | undefined>();
  const [error, setError] = createSignal<string | undefined>();
  const [busy, setBusy] = createSignal(false);
  /** the query (and filters) the shown result answers, for tests and screen readers' busy state */
  const [answered, setAnswered] = createSignal<string | undefined>();
  let input = undefined as unknown as HTMLInputElement;

  const query = () => params.q ?? '';
  const filters = () => ({ favorites: params.fav === '1', archived: params.arch === '1' });
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    const mine = ++seq;
    const q = query();
    const f = filters();
    setBusy(true);
    client.search(q, f).then(
      (r) => {
        if (mine !== seq) return; // a newer query is on its way
        setResult(r);
        setAnswered(q);
        setError(undefined);
        setBusy(false);
        // The first semantic search starts the model's download: ask again until it is in.
        if (r.semantic?.state === 'loading' && q.trim()) timer = setTimeout(run, LOADING_POLL_MS);
      },
      (e: unknown) => {
        if (mine !== seq) return;
        setError(e instanceof Error ? e.message : String(e));
        setBusy(false);
      },
    );
  };
  createEffect(
    on([query, () => params.fav, () => params.arch], () => {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    }),
  );
  onCleanup(() => clearTimeout(timer));
  // The index follows the library: a shown answer is asked again when what it covers changed.
  let rerun: ReturnType<typeof setTimeout> | undefined;
  const askAgain = () => {
    const asked = query().trim() || filters().favorites;
    if (!asked || answered() === undefined || rerun !== undefined) return;
    rerun = setTimeout(() => {
      rerun = undefined;
      run();
    }, RERUN_MS);
  };
  const offChange = lib.onChange((c) => {
    if (c.assets.length || c.albums.length || c.months.length) askAgain(); // not media or home nodes only
  });
  // Machine words and CLIP vectors change the worker's index without a library change.
  const offIndex = client.onIndexChange?.(askAgain);
  onCleanup(() => {
    offChange();
    offIndex?.();
    clearTimeout(rerun);
  });
  setNavigationOrder(() => result()?.items.map((i) => i.id) ?? []);

  onMount(() => {
    if (!query()) input.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      input.focus();
      input.select();
    };
    window.addEventListener('keydown', onKey);
    onCleanup(() => window.removeEventListener('keydown', onKey));
  });

  const summary = () => {
    const r = result();
    if (error()) return `Search failed: ${error()}`;
    if (!r || (!query().trim() && !filters().favorites))
      return 'Search by file name, camera, album, description, tag, place or date ("summer 2023").';
    if (r.total === 0) return 'No photos match.';
    const shown = r.items.length < r.total ? ` (showing the best ${r.items.length})` : '';
    return `${r.total} photo${r.total === 1 ? '' : 's'}${shown}`;
  };

  /** how far the search model's download is, while it is not in yet */
  const semanticLoading = () => {
    const s = result()?.semantic;
    return s?.state === 'loading' && query().trim() ? Math.floor(s.progress * 100) : undefined;
  };

  /** why CLIP ranking did not take part, for a question with words */
  const semanticOff = () => {
    const s = result()?.semantic;
    return s?.state === 'off' && query().trim() ? s.reason : undefined;
  };

  return (
    <section class="timeline-page search-page" aria-label="Search">
      <h1 class="page-title">Search</h1>
      <form
        class="search-form"
        role="search"
        // Inline: the page styles are shared with the timeline; only the form is search's own.
        style={{
          padding: '0 1rem',
          display: 'flex',
          'flex-wrap': 'wrap',
          gap: '0 1rem',
          'align-items': 'center',
        }}
        onSubmit={(e) => (e.preventDefault(), run())}
      >
        <label class="field" style={{ flex: '1 1 18rem' }}>
          <span class="sr-only">Search your photos</span>
          <input
            ref={(el) => (input = el)}
            type="search"
            aria-label="Search your photos"
            aria-keyshortcuts="/"
            placeholder="Search (press / )"
            autocomplete="off"
            value={query()}
            onInput={(e) => setParams({ q: e.currentTarget.value || undefined }, { replace: true })}
          />
        </label>
        <label>
          <input
            type="checkbox"
            style={{ width: 'auto' }}
            checked={filters().favorites}
            onChange={(e) => setParams({ fav: e.currentTarget.checked ? '1' : undefined }, { replace: true })}
          />{' '}
          Favorites only
        </label>
        <label>
          <input
            type="checkbox"
            style={{ width: 'auto' }}
            checked={filters().archived}
            onChange={(e) =>
              setParams({ arch: e.currentTarget.checked ? '1' : undefined }, { replace: true })
            }
          />{' '}
          Include archived
        </label>
      </form>
      <p
        class="muted search-summary"
        style={{ padding: '0 1rem', margin: '0 0 0.5rem' }}
        aria-live="polite"
        data-testid="search-summary"
        data-answered={answered()}
        data-semantic={result()?.semantic?.state}
        data-semantic-best={(() => {
          const s = result()?.semantic;
          return s?.state === 'on' ? s.best : undefined;
        })()}
        aria-busy={busy()}
      >
        {summary()}
      </p>
      <Show when={semanticOff()}>
        {(why) => (
          <p class="muted" style={{ padding: '0 1rem', margin: '0 0 0.5rem' }} data-testid="semantic-status">
            Semantic search (by what is in the photo) is unavailable: {why()}. Word search still works.
          </p>
        )}
      </Show>
      <Show when={semanticLoading() !== undefined}>
        <p class="muted" style={{ padding: '0 1rem', margin: '0 0 0.5rem' }} data-testid="semantic-status">
          Downloading the search model… {semanticLoading()}% (word results meanwhile)
        </p>
      </Show>
      <Show when={result()?.items.length}>
        <SearchGrid items={result()?.items ?? []} lib={lib} onOpen={(id) => navigate(`/photos/${id}`)} />
      </Show>
    </section>
  );
}
