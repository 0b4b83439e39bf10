import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { ActionFailure } from './action-failure.tsx';

/**
 * A text field saved on change (an album's title, a description). What the person typed must
 * not be lost when saving it fails: the typed text then stays in the field, also when the saved
 * value is read again meanwhile (an edit on another device), until a save succeeds.
 */
export interface FieldDraft {
  /** What the field shows: the typed text while it is not known to be saved, else the saved value. */
  readonly value: Accessor<string>;
  /** Saves `typed` with `action`, through `failure` (which says what failed). */
  save(failure: ActionFailure, what: string, typed: string, action: () => Promise<unknown>): void;
}

/**
 * A draft over `saved`, the value as last read from the library, of `subject` (the album or
 * photo shown: a page that moves on to another one must not show this one's draft).
 */
export function createFieldDraft(saved: Accessor<string>, subject: Accessor<string>): FieldDraft {
  // `kept`: its save failed, so a new saved value must not replace it.
  const [draft, setDraft] = createSignal<{ of: string; text: string; kept: boolean }>();
  // Only a changed value counts: a re-read for another edit (a reorder) returns the same title.
  const current = createMemo(saved);
  // The typed text shows until the saved value changes (normally: this save read back), so
  // the old value never flashes between the save and the read.
  createEffect(on(current, () => !draft()?.kept && setDraft(undefined), { defer: true }));
  return {
    value: () => {
      const d = draft();
      return d && d.of === subject() ? d.text : current();
    },
    save(failure, what, typed, action) {
      const of = subject();
      setDraft({ of, text: typed, kept: false });
      void failure.run(what, action).then((ok) => {
        if (!ok) setDraft((d) => (d === undefined || d.text === typed ? { of, text: typed, kept: true } : d));
      });
    },
  };
}
