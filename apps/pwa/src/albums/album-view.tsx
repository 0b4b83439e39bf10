import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, For, onCleanup, Show, type JSX } from 'solid-js';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { createFieldDraft } from '../shell/field-draft.ts';
import { useLibrary } from '../shell/library-context.tsx';
import { setNavigationOrder } from '../shell/navigation-order.ts';
import { AlbumThumb } from './album-thumb.tsx';

/** One album: rename, describe, reorder, set the cover, remove items. Every edit works offline. */
export function AlbumView(): JSX.Element {
  const lib = useLibrary();
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [album, { refetch }] = createResource(
    () => params.id,
    (id) => lib.getAlbum(id),
  );
  const off = lib.onChange((c) => c.albums.includes(params.id) && void refetch());
  onCleanup(off);
  createEffect(() => setNavigationOrder(album()?.assets ?? []));
  const failure = useActionFailure(() => params.id);
  const act = (what: string, action: () => Promise<unknown>) => void failure.run(what, action);
  const title = createFieldDraft(
    () => album()?.title ?? '',
    () => params.id,
  );
  const description = createFieldDraft(
    () => album()?.description ?? '',
    () => params.id,
  );

  return (
    <section class="page" aria-label="Album">
      <Show
        when={album()}
        fallback={
          <p class="empty">{album.loading ? 'Loading…' : 'This album is not on this device (yet).'}</p>
        }
      >
        {(a) => (
          <>
            <p>
              <A href="/albums">← Albums</A>
            </p>
            <ActionFailureAlert failure={failure} />
            <label class="field">
              <span class="sr-only">Album title</span>
              <input
                class="title-input"
                value={title.value()}
                aria-label="Album title"
                onChange={(e) => {
                  const typed = e.currentTarget.value;
                  const { id, title: was } = a();
                  title.save(failure, 'rename the album', typed, () =>
                    lib.renameAlbum(id, typed.trim() || was),
                  );
                }}
              />
            </label>
            <label class="field">
              <span class="sr-only">Album description</span>
              <textarea
                rows={2}
                placeholder="Add a description"
                aria-label="Album description"
                value={description.value()}
                onChange={(e) => {
                  const typed = e.currentTarget.value;
                  const id = a().id;
                  description.save(failure, 'save the description', typed, () =>
                    lib.describeAlbum(id, typed),
                  );
                }}
              />
            </label>
            <p class="muted" data-testid="album-count">
              {a().assets.length} item{a().assets.length === 1 ? '' : 's'}
            </p>
            <ol class="album-items">
              <For each={a().assets}>
                {(id, i) => (
                  <li class="album-item" data-id={id}>
                    <button
                      type="button"
                      class="plain"
                      onClick={() => navigate(`/photos/${id}`)}
                      aria-label={`Open item ${i() + 1}`}
                    >
                      <AlbumThumb lib={lib} id={id} label="" />
                    </button>
                    <div class="item-actions">
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Move earlier"
                        disabled={i() === 0}
                        onClick={() => act('move the item', () => lib.reorderAlbum(a().id, id, i() - 1))}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Move later"
                        disabled={i() === a().assets.length - 1}
                        onClick={() => act('move the item', () => lib.reorderAlbum(a().id, id, i() + 1))}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Use as cover"
                        aria-pressed={a().cover === id}
                        onClick={() => act('set the album cover', () => lib.setAlbumCover(a().id, id))}
                      >
                        ★
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Remove from album"
                        onClick={() =>
                          act('remove the item from the album', () => lib.removeFromAlbum(a().id, [id]))
                        }
                      >
                        ✕
                      </button>
                    </div>
                  </li>
                )}
              </For>
            </ol>
          </>
        )}
      </Show>
    </section>
  );
}
