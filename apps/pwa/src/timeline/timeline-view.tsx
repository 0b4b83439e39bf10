/**
 * The timeline page (and favorites / archive / trash, which are filtered timelines):
 * a virtualized, justified grid over the whole library. Only the tiles within a screen of
 * the viewport are in the DOM; months are read from the index as they come near.
 */
import { useNavigate } from '@solidjs/router';
import { createEffect, createMemo, createSignal, Index, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { AlbumPicker } from '../albums/album-picker.tsx';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { setNavigationOrder } from '../shell/navigation-order.ts';
import { useLibrary } from '../shell/library-context.tsx';
import { BulkBar } from './bulk-bar.tsx';
import { targetRowHeight } from './justified-layout.ts';
import { dayLabel, monthLabel } from './month-label.ts';
import { Scrubber } from './scrubber.tsx';
import { clickSelect, emptySelection, inSelectionMode } from './selection.ts';
import type { TimelineFilter } from './timeline-filter.ts';
import { DAY_HEADER, layoutTimeline, visibleWindow, type DayBlock } from './timeline-layout.ts';
import { TimelineTile } from './timeline-tile.tsx';
import { useTimeline } from './use-timeline.ts';

const GAP = 4;
/** The first frame with tiles on screen gets a performance mark (read by the pwa-first-paint bench). */
let firstTilesMarked = false;

export function TimelineView(props: { filter: TimelineFilter; title: string; empty: string }): JSX.Element {
  const lib = useLibrary();
  const navigate = useNavigate();
  // Assigned by the ref callback before onMount runs.
  let scroller = undefined as unknown as HTMLDivElement;
  const [width, setWidth] = createSignal(0);
  const [viewport, setViewport] = createSignal(0);
  const [scrollTop, setScrollTop] = createSignal(0);
  const [selection, setSelection] = createSignal(emptySelection);
  const [picking, setPicking] = createSignal(false);
  let cache = new Map<string, { days: DayBlock[]; height: number }>();
  let cacheWidth = 0;

  const data = useTimeline(lib, props.filter, (month) => {
    // Keep what is on screen still: a month above the viewport that changes height
    // (estimate → real) shifts the scroll position by the difference.
    const before = layout().months.find((m) => m.month === month);
    cache.delete(month);
    queueMicrotask(() => {
      const after = layout().months.find((m) => m.month === month);
      if (
        before &&
        after &&
        before.top + before.height <= scroller.scrollTop &&
        after.height !== before.height
      ) {
        scroller.scrollTop += after.height - before.height;
      }
    });
  });

  const layout = createMemo(() => {
    const w = width();
    if (w !== cacheWidth) {
      cache = new Map();
      cacheWidth = w;
    }
    data.changedMonths();
    const loaded = data.loaded();
    const months = data.months().filter((m) => (loaded.get(m.month)?.length ?? 1) > 0);
    return layoutTimeline(
      months,
      loaded,
      { width: Math.max(100, w), rowHeight: targetRowHeight(window.innerWidth), gap: GAP },
      cache,
    );
  });
  const win = createMemo(() => visibleWindow(layout(), scrollTop(), viewport(), viewport()));

  createEffect(() => {
    for (const m of win().months) if (m.estimated) data.load(m.month);
    if (!firstTilesMarked && win().tiles.length > 0) {
      firstTilesMarked = true;
      requestAnimationFrame(() => performance.mark('hearth:first-tiles'));
    }
  });

  // Computed on demand (shift-range, the viewer's arrows), not on every month read.
  const order = () => layout().months.flatMap((m) => m.days.flatMap((d) => d.items.map((i) => i.id)));
  setNavigationOrder(order);

  onMount(() => {
    const measure = () => {
      setWidth(scroller.clientWidth);
      setViewport(scroller.clientHeight);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(scroller);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setSelection(emptySelection);
    };
    window.addEventListener('keydown', onKey);
    onCleanup(() => {
      ro.disconnect();
      window.removeEventListener('keydown', onKey);
    });
  });

  function activate(id: string, e: MouseEvent | KeyboardEvent): void {
    const sel = selection();
    const toggle = e.ctrlKey || e.metaKey;
    if (inSelectionMode(sel) || e.shiftKey || toggle) {
      setSelection(clickSelect(sel, id, order(), { shift: e.shiftKey, toggle }));
    } else {
      navigate(`/photos/${id}`);
    }
  }
  const selectedIds = () => [...selection().selected];
  const done = () => setSelection(emptySelection);
  const failure = useActionFailure();
  /** Runs a bulk action; when it fails the selection stays (to try again) and the page says what failed. */
  const bulk = (what: string, action: (ids: string[]) => Promise<unknown>) => {
    const ids = selectedIds();
    void failure.run(what, () => action(ids)).then((ok) => ok && done());
  };

  return (
    <section class="timeline-page" aria-label={props.title}>
      <Show when={inSelectionMode(selection())} fallback={<h1 class="page-title">{props.title}</h1>}>
        <BulkBar
          count={selection().selected.size}
          filter={props.filter}
          onFavorite={() => bulk('mark them as favorites', (ids) => lib.setFavorite(ids, true))}
          onArchive={(v) => bulk(v ? 'archive them' : 'unarchive them', (ids) => lib.setArchived(ids, v))}
          onTrash={() => bulk('move them to the trash', (ids) => lib.trash(ids))}
          onRestore={() => bulk('restore them', (ids) => lib.restore(ids))}
          onDelete={() => bulk('delete them', (ids) => lib.deletePermanently(ids))}
          onAddToAlbum={() => setPicking(true)}
          onDownload={() => bulk('download them', download)}
          onClear={done}
        />
      </Show>
      <Show when={picking()}>
        <AlbumPicker
          lib={lib}
          onClose={() => setPicking(false)}
          onPick={(albumId) => {
            setPicking(false);
            bulk('add them to the album', (ids) => lib.addToAlbum(albumId, ids));
          }}
        />
      </Show>
      <ActionFailureAlert failure={failure} />
      <div class="timeline-body">
        <div
          class="timeline-scroller"
          ref={(el) => (scroller = el)}
          onScroll={() => setScrollTop(scroller.scrollTop)}
          data-testid="timeline-scroller"
        >
          <Show when={data.ready() && layout().months.length === 0}>
            <p class="empty">{props.empty}</p>
          </Show>
          <div
            class="timeline-column"
            style={{ height: `${layout().height}px` }}
            data-total={layout().months.reduce((s, m) => s + m.count, 0)}
          >
            <Index each={win().months}>
              {(m) => (
                <h2 class="month-header" style={{ transform: `translateY(${m().top}px)` }}>
                  {monthLabel(m().month)}
                </h2>
              )}
            </Index>
            <Index each={win().days}>
              {(d) => (
                <h3
                  class="day-header"
                  style={{ transform: `translateY(${d().top}px)`, height: `${DAY_HEADER}px` }}
                >
                  {dayLabel(d().day.day)}
                </h3>
              )}
            </Index>
            <Index each={win().tiles}>
              {(t) => (
                <TimelineTile
                  tile={t()}
                  lib={lib}
                  selected={selection().selected.has(t().item.id)}
                  selecting={inSelectionMode(selection())}
                  onActivate={activate}
                  onLongPress={(id) => setSelection(clickSelect(selection(), id, order(), {}))}
                />
              )}
            </Index>
          </div>
        </div>
        <Show when={layout().months.length > 1}>
          <Scrubber
            layout={layout()}
            scrollTop={scrollTop()}
            height={viewport()}
            onJump={(y) => (scroller.scrollTop = y)}
          />
        </Show>
      </div>
    </section>
  );

  async function download(ids: string[]): Promise<void> {
    for (const id of ids) {
      const url = await lib.mediaUrl(id, 'original');
      if (!url) continue;
      const a = document.createElement('a');
      a.href = url;
      a.download = (await lib.getAsset(id))?.fileName ?? id;
      a.click();
    }
  }
}
