import { createMemo, createSignal, Index, onCleanup, onMount, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import type { TimelineItem } from '../library/timeline-item.ts';
import { justifiedLayout, targetRowHeight } from '../timeline/justified-layout.ts';
import type { PlacedTile } from '../timeline/timeline-layout.ts';
import { TimelineTile } from '../timeline/timeline-tile.tsx';

const GAP = 4;

/**
 * Search results as the timeline draws them: justified rows of the timeline's own tiles, in
 * result order (best first, no month or day headers). Only the tiles within a screen of the
 * viewport are in the DOM.
 */
export function SearchGrid(props: {
  items: readonly TimelineItem[];
  lib: LibraryClient;
  onOpen: (id: string) => void;
}): JSX.Element {
  // Assigned by the ref callback before onMount runs.
  let scroller = undefined as unknown as HTMLDivElement;
  const [width, setWidth] = createSignal(0);
  const [viewport, setViewport] = createSignal(0);
  const [scrollTop, setScrollTop] = createSignal(0);

  const block = createMemo(() =>
    justifiedLayout(
      props.items.map((i) => i.ratio),
      { width: Math.max(100, width()), rowHeight: targetRowHeight(window.innerWidth), gap: GAP },
    ),
  );
  const tiles = createMemo(() => {
    const { boxes } = block();
    const top = scrollTop() - viewport();
    const bottom = scrollTop() + 2 * viewport();
    const out: PlacedTile[] = [];
    props.items.forEach((item, k) => {
      const box = boxes[k];
      if (box && box.top + box.height > top && box.top < bottom) out.push({ item, box });
    });
    return out;
  });

  onMount(() => {
    const measure = () => {
      setWidth(scroller.clientWidth);
      setViewport(scroller.clientHeight);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(scroller);
    onCleanup(() => ro.disconnect());
  });

  return (
    <div class="timeline-body">
      <div
        class="timeline-scroller"
        ref={(el) => (scroller = el)}
        onScroll={() => setScrollTop(scroller.scrollTop)}
        data-testid="search-results"
      >
        <div class="timeline-column" style={{ height: `${block().height}px` }}>
          <Index each={tiles()}>
            {(t) => (
              <TimelineTile
                tile={t()}
                lib={props.lib}
                selected={false}
                selecting={false}
                onActivate={(id) => props.onOpen(id)}
                onLongPress={() => {}}
              />
            )}
          </Index>
        </div>
      </div>
    </div>
  );
}
