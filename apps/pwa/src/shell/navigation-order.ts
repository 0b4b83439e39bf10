import { createSignal } from 'solid-js';

/**
 * The ids the viewer steps through with arrows/swipes: whatever list the user opened it
 * from (the timeline, an album). Set by that view, read by the viewer.
 */
const [order, setOrder] = createSignal<readonly string[]>([]);
export { order as navigationOrder, setOrder as setNavigationOrder };

/** The neighbours of `id` in the current order. */
export function neighbours(id: string): { prev: string | undefined; next: string | undefined } {
  const list = order();
  const i = list.indexOf(id);
  if (i < 0) return { prev: undefined, next: undefined };
  return { prev: list[i - 1], next: list[i + 1] };
}
