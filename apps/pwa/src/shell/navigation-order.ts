import { createSignal } from 'solid-js';

/**
 * The ids the viewer steps through with arrows/swipes: whatever list the user opened it
 * from (the timeline, an album). Set by that view as a function, computed only when the
 * viewer asks: the timeline's list grows with every month read, and rebuilding it on each
 * read would cost a fling its frames.
 */
const [source, setSource] = createSignal<() => readonly string[]>(() => []);

export function setNavigationOrder(list: readonly string[] | (() => readonly string[])): void {
  setSource(() => (typeof list === 'function' ? list : () => list));
}

/** The neighbours of `id` in the current order. */
export function neighbours(id: string): { prev: string | undefined; next: string | undefined } {
  const list = source()();
  const i = list.indexOf(id);
  if (i < 0) return { prev: undefined, next: undefined };
  return { prev: list[i - 1], next: list[i + 1] };
}
