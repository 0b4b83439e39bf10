import { createMemo, For, type JSX } from 'solid-js';
import { monthAt, type TimelineLayout } from './timeline-layout.ts';
import { monthLabel } from './month-label.ts';

/**
 * The jump bar on the right: years marked at their place in the scroll height; drag or
 * click to jump, arrow keys step a month, Page keys a year.
 */
export function Scrubber(props: {
  layout: TimelineLayout;
  scrollTop: number;
  height: number;
  onJump: (y: number) => void;
}): JSX.Element {
  const years = createMemo(() => {
    const out: { year: string; top: number }[] = [];
    let last = '';
    for (const m of props.layout.months) {
      const y = m.month.slice(0, 4);
      if (y !== last) out.push({ year: y, top: m.top });
      last = y;
    }
    return out;
  });
  const current = createMemo(() => Math.max(0, monthAt(props.layout, props.scrollTop + 1)));
  const scale = () => (props.layout.height > 0 ? props.height / props.layout.height : 0);

  function jumpToFraction(clientY: number, el: HTMLElement): void {
    const rect = el.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientY - rect.top) / rect.height));
    const i = monthAt(props.layout, f * props.layout.height);
    const m = props.layout.months[i];
    if (m) props.onJump(m.top);
  }
  function step(delta: number): void {
    const months = props.layout.months;
    const i = Math.min(months.length - 1, Math.max(0, current() + delta));
    const m = months[i];
    if (m) props.onJump(m.top);
  }

  return (
    <div
      class="scrubber"
      role="slider"
      tabIndex={0}
      aria-label="Jump to a month"
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={Math.max(0, props.layout.months.length - 1)}
      aria-valuenow={current()}
      aria-valuetext={
        props.layout.months[current()] ? monthLabel(props.layout.months[current()]!.month) : 'empty'
      }
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        jumpToFraction(e.clientY, e.currentTarget);
      }}
      onPointerMove={(e) => {
        if (e.buttons) jumpToFraction(e.clientY, e.currentTarget);
      }}
      onKeyDown={(e) => {
        const d = { ArrowDown: 1, ArrowUp: -1, PageDown: 12, PageUp: -12 }[e.key];
        if (d !== undefined) {
          e.preventDefault();
          step(d);
        }
      }}
    >
      <For each={years()}>
        {(y) => (
          <span class="scrubber-year" style={{ top: `${y.top * scale()}px` }}>
            {y.year}
          </span>
        )}
      </For>
      <span class="scrubber-thumb" style={{ top: `${props.scrollTop * scale()}px` }} aria-hidden="true" />
    </div>
  );
}
