import { describe, expect, it } from 'vitest';
import { clickSelect, emptySelection, inSelectionMode } from './selection.ts';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('selection', () => {
  it('a click toggles one item and sets the anchor', () => {
    const s1 = clickSelect(emptySelection, 'b', order, {});
    expect([...s1.selected]).toEqual(['b']);
    expect(inSelectionMode(s1)).toBe(true);
    const s2 = clickSelect(s1, 'b', order, {});
    expect(s2.selected.size).toBe(0);
    expect(inSelectionMode(s2)).toBe(false);
  });

  it('shift-click selects the range from the anchor in either direction', () => {
    const s1 = clickSelect(emptySelection, 'd', order, {});
    const s2 = clickSelect(s1, 'b', order, { shift: true });
    expect([...s2.selected].sort()).toEqual(['b', 'c', 'd']);
    const s3 = clickSelect(s2, 'e', order, { shift: true });
    expect([...s3.selected].sort()).toEqual(['b', 'c', 'd', 'e']);
  });

  it('shift without an anchor behaves like a click', () => {
    const s = clickSelect(emptySelection, 'c', order, { shift: true });
    expect([...s.selected]).toEqual(['c']);
  });
});
