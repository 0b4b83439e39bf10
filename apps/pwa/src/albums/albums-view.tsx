import { A } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { useLibrary } from '../shell/library-context.tsx';
import { AlbumThumb } from './album-thumb.tsx';

/** Albums the library lists whose document no connected device had: not deleted, just not here. */
function notHereText(n: number): string {
  return n === 1
    ? '1 album is not on this device yet — it appears when a device that has it is online.'
    : `${n} albums are not on this device yet — they appear when a device that has them is online.`;
}

/** The albums page: every album with its cover, and a form to create one (works offline). */
export function AlbumsView(): JSX.Element {
  const lib = useLibrary();
  const [albums, { refetch }] = createResource(() => lib.listAlbums());
  // A failed count only hides the notice: the albums themselves still show.
  const [notHere, counted] = createResource(() => lib.albumsNotHere().catch(() => 0));
  const off = lib.onChange((c) => {
    if (c.albums.length === 0) return;
    void refetch();
    void counted.refetch();
  });
  onCleanup(off);
  const [title, setTitle] = createSignal('');
  const failure = useActionFailure();
  return (
    <section class="page" aria-labelledby="albums-title">
      <h1 id="albums-title" class="page-title">
        Albums
      </h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const typed = title();
          const t = typed.trim();
          if (!t) return;
          // Cleared at once (a second press must not create it twice); back if it failed.
          setTitle('');
          void failure
            .run(`create the album “${t}”`, () => lib.createAlbum(t))
            .then((ok) => {
              if (!ok && title() === '') setTitle(typed);
            });
        }}
      >
        <label class="grow">
          <span class="sr-only">New album title</span>
          <input
            value={title()}
            onInput={(e) => setTitle(e.currentTarget.value)}
            placeholder="New album title"
          />
        </label>
        <button type="submit">Create album</button>
      </form>
      <ActionFailureAlert failure={failure} />
      <Show when={(notHere() ?? 0) > 0}>
        <p class="muted" role="status">
          {notHereText(notHere() ?? 0)}
        </p>
      </Show>
      <Show
        when={(albums() ?? []).length > 0}
        fallback={
          <Show when={!notHere()}>
            <p class="empty">
              No albums yet. Create one, or select photos in the timeline and choose “Add to album”.
            </p>
          </Show>
        }
      >
        <ul class="album-grid">
          <For each={albums()}>
            {(a) => (
              <li>
                <A href={`/albums/${a.id}`} class="album-card">
                  <AlbumThumb lib={lib} id={a.cover ?? a.assets[0]} label="" />
                  <span class="album-title">{a.title}</span>
                  <span class="muted">
                    {a.assets.length} item{a.assets.length === 1 ? '' : 's'}
                  </span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
