import { createResource, createSignal, For, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';

/** A modal list of albums plus "new album": the target of "Add to album". */
export function AlbumPicker(props: {
  lib: LibraryClient;
  onPick: (albumId: string) => void;
  onClose: () => void;
}): JSX.Element {
  const [albums] = createResource(() => props.lib.listAlbums());
  const [title, setTitle] = createSignal('');
  const failure = useActionFailure();
  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="album-picker-title"
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <h2 id="album-picker-title">Add to album</h2>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            const t = title().trim();
            // The title stays in the field when creating the album fails, to try again.
            if (t)
              void failure.run(`create the album “${t}”`, () => props.lib.createAlbum(t).then(props.onPick));
          }}
        >
          <label class="grow">
            <span class="sr-only">New album title</span>
            <input
              value={title()}
              onInput={(e) => setTitle(e.currentTarget.value)}
              placeholder="New album title"
              autofocus
            />
          </label>
          <button type="submit">Create</button>
        </form>
        <ActionFailureAlert failure={failure} />
        <ul class="picker-list">
          <For each={albums() ?? []}>
            {(a) => (
              <li>
                <button type="button" class="ghost wide" onClick={() => props.onPick(a.id)}>
                  {a.title} <span class="muted">({a.assets.length})</span>
                </button>
              </li>
            )}
          </For>
        </ul>
        <button type="button" class="ghost" onClick={() => props.onClose()}>
          Cancel
        </button>
      </div>
    </div>
  );
}
