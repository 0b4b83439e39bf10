/**
 * Selection rules of the timeline, kept pure: a click selects one (or toggles, in selection
 * mode or with Ctrl/Cmd), Shift+click selects the range from the anchor, a long press on
 * touch enters selection mode with that item.
 */

/** The selected ids and the anchor of the next Shift range. */
export interface SelectionState {
  selected: ReadonlySet<string>;
  anchor: string | undefined;
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: undefined };

/** How an item was activated. */
export interface ClickKind {
  shift?: boolean;
  toggle?: boolean;
}

/**
 * Applies a click on `id`. `order` is the timeline order (newest first) used for ranges.
 */
export function clickSelect(
  state: SelectionState,
  id: string,
  order: readonly string[],
  kind: ClickKind,
): SelectionState {
  if (kind.shift && state.anchor !== undefined) {
    const a = order.indexOf(state.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const next = new Set(state.selected);
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(order[i]!);
      return { selected: next, anchor: state.anchor };
    }
  }
  const next = new Set(state.selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return { selected: next, anchor: id };
}

/** True when clicks should select instead of opening the viewer. */
export function inSelectionMode(state: SelectionState): boolean {
  return state.selected.size > 0;
}
