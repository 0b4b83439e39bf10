/**
 * The full-screen viewer: preview (or original, or the thumbhash while neither is here),
 * zoom (double-click / wheel / +/-), arrows and swipes to the neighbours, video with
 * seeking, and the info panel with the editable fields.
 */
import { useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, on, onCleanup, Show, type JSX } from 'solid-js';
import { useLibrary } from '../shell/library-context.tsx';
import { neighbours } from '../shell/navigation-order.ts';
import { thumbhashUrl } from '../timeline/thumbhash-url.ts';
import { InfoPanel } from './info-panel.tsx';

const SWIPE_PX = 60;

export function ViewerView(): JSX.Element {
  const lib = useLibrary();
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [version, setVersion] = createSignal(0);
  const [asset] = createResource(
    () => [params.id, version()] as const,
    ([id]) => lib.getAsset(id),
  );
  const [src] = createResource(
    () => params.id,
    async (id) => (await lib.mediaUrl(id, 'preview')) ?? (await lib.mediaUrl(id, 'thumbnail')) ?? '',
  );
  // A video plays its own stream; the preview (a still) is only its poster.
  const [video] = createResource(
    () => [params.id, asset()?.type] as const,
    async ([id, type]) => (type === 'video' ? ((await lib.mediaUrl(id, 'playback')) ?? '') : ''),
  );
  const [zoom, setZoom] = createSignal(1);
  const [info, setInfo] = createSignal(window.innerWidth >= 1100);
  createEffect(
    on(
      () => params.id,
      () => setZoom(1),
    ),
  );
  const off = lib.onChange((c) => c.assets.includes(params.id) && setVersion((v) => v + 1));
  onCleanup(off);

  const go = (id: string | undefined) => id && navigate(`/photos/${id}`, { replace: true });
  const close = () => (history.length > 1 ? history.back() : navigate('/'));
  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement | null)?.closest('input, textarea')) return;
    const n = neighbours(params.id);
    if (e.key === 'ArrowLeft') go(n.prev);
    else if (e.key === 'ArrowRight') go(n.next);
    else if (e.key === 'Escape') close();
    else if (e.key === 'i') setInfo((v) => !v);
    else if (e.key === 'f') void toggleFavorite();
    else if (e.key === '+' || e.key === '=') setZoom((z) => Math.min(8, z * 1.5));
    else if (e.key === '-') setZoom((z) => Math.max(1, z / 1.5));
  };
  window.addEventListener('keydown', onKey);
  onCleanup(() => window.removeEventListener('keydown', onKey));

  async function toggleFavorite(): Promise<void> {
    const a = asset();
    if (a) await lib.setFavorite([a.id], !a.favorite);
  }

  let startX: number | undefined;
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label="Photo viewer">
      <div class="viewer-bar">
        <button type="button" class="ghost" onClick={close} aria-label="Close viewer">
          ←
        </button>
        <span class="grow" />
        <button
          type="button"
          class="ghost"
          aria-pressed={asset()?.favorite ?? false}
          onClick={() => void toggleFavorite()}
          aria-label="Favorite"
        >
          {asset()?.favorite ? '♥' : '♡'}
        </button>
        <button
          type="button"
          class="ghost"
          aria-pressed={info()}
          onClick={() => setInfo((v) => !v)}
          aria-label="Info"
        >
          ℹ
        </button>
      </div>
      <div
        class="viewer-stage"
        onDblClick={() => setZoom((z) => (z > 1 ? 1 : 2.5))}
        onWheel={(e) => {
          if (!e.ctrlKey && Math.abs(e.deltaY) < 1) return;
          setZoom((z) => Math.min(8, Math.max(1, z * (e.deltaY < 0 ? 1.15 : 1 / 1.15))));
        }}
        onPointerDown={(e) => (startX = e.clientX)}
        onPointerUp={(e) => {
          if (startX === undefined || zoom() > 1) return;
          const dx = e.clientX - startX;
          startX = undefined;
          if (dx > SWIPE_PX) go(neighbours(params.id).prev);
          else if (dx < -SWIPE_PX) go(neighbours(params.id).next);
        }}
      >
        <Show when={asset()} fallback={<p class="muted">Loading…</p>}>
          {(a) => (
            <Show
              when={a().type === 'video' && video()}
              fallback={
                <img
                  class="viewer-image"
                  src={src() || thumbhashUrl(a().thumbhash) || ''}
                  alt={a().description || a().fileName || 'Photo'}
                  style={{ transform: `scale(${zoom()})`, 'aspect-ratio': `${a().ratio}` }}
                  draggable={false}
                />
              }
            >
              {/* Range requests do the seeking: the src is an object URL or the node's tokened HTTP URL. */}
              <video
                class="viewer-image"
                src={video()}
                controls
                playsinline
                poster={src() || thumbhashUrl(a().thumbhash)}
              />
            </Show>
          )}
        </Show>
        <Show when={neighbours(params.id).prev}>
          <button
            type="button"
            class="nav prev"
            aria-label="Previous"
            onClick={() => go(neighbours(params.id).prev)}
          >
            ‹
          </button>
        </Show>
        <Show when={neighbours(params.id).next}>
          <button
            type="button"
            class="nav next"
            aria-label="Next"
            onClick={() => go(neighbours(params.id).next)}
          >
            ›
          </button>
        </Show>
      </div>
      <Show when={info() && asset()}>{(a) => <InfoPanel asset={a()} />}</Show>
    </div>
  );
}
