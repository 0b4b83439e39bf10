import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, For, onCleanup, Show, type JSX } from 'solid-js';
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
            <label class="field">
              <span class="sr-only">Album title</span>
              <input
                class="title-input"
                value={a().title}
                aria-label="Album title"
                onChange={(e) => void lib.renameAlbum(a().id, e.currentTarget.value.trim() || a().title)}
              />
            </label>
            <label class="field">
              <span class="sr-only">Album description</span>
              <textarea
                rows={2}
                placeholder="Add a description"
                aria-label="Album description"
                value={a().description}
                onChange={(e) => void lib.describeAlbum(a().id, e.currentTarget.value)}
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
                        onClick={() => void lib.reorderAlbum(a().id, id, i() - 1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Move later"
                        disabled={i() === a().assets.length - 1}
                        onClick={() => void lib.reorderAlbum(a().id, id, i() + 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Use as cover"
                        aria-pressed={a().cover === id}
                        onClick={() => void lib.setAlbumCover(a().id, id)}
                      >
                        ★
                      </button>
                      <button
                        type="button"
                        class="ghost"
                        aria-label="Remove from album"
                        onClick={() => void lib.removeFromAlbum(a().id, [id])}
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
