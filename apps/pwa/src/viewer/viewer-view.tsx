/**
 * The full-screen viewer: preview (or original, or the thumbhash while neither is here),
 * zoom (pinch, double-tap, double-click, wheel, +/-/0; the original replaces the preview once
 * zoomed in), arrows and swipes to the neighbours, video with seeking (its tokened URL renewed
 * when it expires mid-play), Live Photos, the original on demand, and the info panel.
 */
import { useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { MediaKind } from '../library/library-client.ts';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { useLibrary } from '../shell/library-context.tsx';
import { neighbours } from '../shell/navigation-order.ts';
import { thumbhashUrl } from '../timeline/thumbhash-url.ts';
import { InfoPanel } from './info-panel.tsx';
import { createLivePhoto, LiveBadge, LiveVideo, liveSourceOf } from './live-photo.tsx';
import { saveOriginal } from './save-original.ts';
import { createVideoRefresh } from './video-refresh.ts';
import { attachZoomGestures } from './zoom-gestures.ts';
import { NO_ZOOM, zoomAt, type Zoom } from './zoom-math.ts';

/** Originals a browser draws itself (a HEIC/RAW original keeps showing the preview). */
const DRAWABLE = /^image\/(jpeg|png|webp|gif|avif|bmp)$/;
/** past this zoom the preview's pixels run out: the original is fetched */
const FULL_AT = 1.5;

export function ViewerView(): JSX.Element {
  const lib = useLibrary();
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [version, setVersion] = createSignal(0);
  const [asset] = createResource(
    () => [params.id, version()] as const,
    ([id]) => lib.getAsset(id),
  );
  // Read again with the asset (`version`): one opened before its month synced has no preview
  // yet, and the node's preview can land after the record (a cached URL answers at once).
  // Not to be had now (no home node reached yet): the thumbhash shows until it is asked again.
  const [src] = createResource(
    () => [params.id, version()] as const,
    async ([id]) => {
      const url = (kind: MediaKind) => lib.mediaUrl(id, kind).catch(() => undefined);
      return (await url('preview')) ?? (await url('thumbnail')) ?? '';
    },
  );
  // A video plays its own stream; the preview (a still) is only its poster. Read again with the
  // asset; one not to be had now (no home node reached yet) is asked for again once one is.
  const [video] = createResource(
    () => [params.id, asset()?.type, version()] as const,
    async ([id, type]) =>
      type === 'video' ? ((await lib.mediaUrl(id, 'playback').catch(() => undefined)) ?? '') : '',
  );
  const refresh = createVideoRefresh(lib, () => params.id);
  const live = createLivePhoto(lib, () => liveSourceOf(asset()));
  const [zoom, setZoom] = createSignal<Zoom>(NO_ZOOM);
  const [gesturing, setGesturing] = createSignal(false);
  const [full, setFull] = createSignal<string>();
  const [note, setNote] = createSignal('');
  const [info, setInfo] = createSignal(window.innerWidth >= 1100);
  createEffect(
    on(
      () => params.id,
      () => {
        setZoom(NO_ZOOM);
        setFull(undefined);
        setNote('');
        live.reset();
        refresh.reset();
      },
    ),
  );
  // Zoomed in past the preview's detail: the original, fetched from the home node if need be.
  createEffect(
    on(
      () => zoom().s > FULL_AT,
      (deep) => {
        const a = asset();
        if (!deep || full() || a?.type !== 'image' || !DRAWABLE.test(a.mime)) return;
        const id = a.id;
        void lib
          .mediaUrl(id, 'original')
          .then((u) => u && params.id === id && setFull(u))
          .catch(() => undefined);
      },
    ),
  );
  // An asset opened before its month reached this device (a link, a reload right after pairing)
  // reads as missing; its month arriving says nothing of its id, so any month change reads it again.
  // A home node joining or revoked changes its "Backed up on" list.
  // A preview that could not be had (no home node reached yet) is asked for again once one is.
  const off = lib.onChange(
    (c) =>
      (c.assets.includes(params.id) ||
        c.homeNodes === true ||
        (!asset() && c.months.length > 0) ||
        (c.media === true && (!src() || (asset()?.type === 'video' && !video())))) &&
      setVersion((v) => v + 1),
  );
  onCleanup(off);

  let stage!: HTMLDivElement;
  let image: HTMLElement | undefined;
  const setImage = (el: HTMLElement) => (image = el);
  const bounds = () => ({
    imageW: image?.offsetWidth || stage.clientWidth,
    imageH: image?.offsetHeight || stage.clientHeight,
    stageW: stage.clientWidth,
    stageH: stage.clientHeight,
  });
  const go = (id: string | undefined) => id && navigate(`/photos/${id}`, { replace: true });
  const close = () => (history.length > 1 ? history.back() : navigate('/'));
  // The movie covers the still exactly (same box), whatever its own pixel size.
  const liveBox = (): JSX.CSSProperties =>
    image
      ? { width: `${image.offsetWidth}px`, height: `${image.offsetHeight}px`, 'object-fit': 'contain' }
      : {};
  const zoomBy = (k: number) => setZoom((z) => zoomAt(z, z.s * k, { x: 0, y: 0 }, bounds()));
  onMount(() => {
    const detach = attachZoomGestures(stage, {
      zoom,
      setZoom,
      bounds,
      setGesturing,
      onSwipe: (to) => go(neighbours(params.id)[to]),
      onHold: (on) => void live.play(on),
    });
    onCleanup(detach);
  });
  const onKey = (e: KeyboardEvent) => {
    if ((e.target as Partial<HTMLElement> | null)?.closest?.('input, textarea')) return;
    const n = neighbours(params.id);
    if (e.key === 'ArrowLeft') go(n.prev);
    else if (e.key === 'ArrowRight') go(n.next);
    else if (e.key === 'Escape') close();
    else if (e.key === 'i') setInfo((v) => !v);
    else if (e.key === 'f') void toggleFavorite();
    else if (e.key === '+' || e.key === '=') zoomBy(1.5);
    else if (e.key === '-') zoomBy(1 / 1.5);
    else if (e.key === '0') setZoom(NO_ZOOM);
  };
  window.addEventListener('keydown', onKey);
  onCleanup(() => window.removeEventListener('keydown', onKey));

  const failure = useActionFailure(() => params.id);
  async function toggleFavorite(): Promise<void> {
    const a = asset();
    if (!a) return;
    const what = a.favorite ? 'remove the photo from favorites' : 'mark the photo as a favorite';
    await failure.run(what, () => lib.setFavorite([a.id], !a.favorite));
  }

  const transform = (): JSX.CSSProperties => ({
    transform: `translate(${zoom().x}px, ${zoom().y}px) scale(${zoom().s})`,
    ...(gesturing() ? { transition: 'none' } : {}),
  });
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label="Photo viewer">
      <div class="viewer-bar">
        <button type="button" class="ghost" onClick={close} aria-label="Close viewer">
          ←
        </button>
        <span class="grow" />
        <Show when={liveSourceOf(asset())}>
          <LiveBadge live={live} />
        </Show>
        <button
          type="button"
          class="ghost"
          // Until the asset is read there is nothing to save: a click then did nothing at all.
          disabled={!asset()}
          onClick={() => {
            const a = asset();
            if (a) void saveOriginal(lib, a, setNote);
          }}
          aria-label="Download original"
        >
          ⤓
        </button>
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
        ref={(el) => (stage = el)}
        style={{ 'touch-action': 'none' }}
        data-zoom={zoom().s.toFixed(2)}
      >
        <Show when={asset()} fallback={<p class="muted">Loading…</p>}>
          {(a) => (
            <Show
              when={a().type === 'video' && video()}
              fallback={
                <img
                  ref={setImage}
                  class="viewer-image"
                  src={full() || src() || thumbhashUrl(a().thumbhash) || ''}
                  data-full={full() ? 'original' : 'preview'}
                  alt={a().description || a().fileName || 'Photo'}
                  style={{ ...transform(), 'aspect-ratio': `${a().ratio}` }}
                  draggable={false}
                />
              }
            >
              {/* Range requests do the seeking: the src is an object URL or the node's tokened HTTP URL. */}
              <video
                ref={setImage}
                class="viewer-image"
                src={refresh.src() ?? video()}
                controls
                playsinline
                poster={src() || thumbhashUrl(a().thumbhash)}
                onError={(e) => void refresh.onError(e.currentTarget)}
              />
            </Show>
          )}
        </Show>
        <LiveVideo live={live} style={{ ...transform(), ...liveBox() }} />
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
        <ActionFailureAlert failure={failure} />
        <Show when={note()}>
          <p
            class="viewer-note"
            role="status"
            style={{ position: 'absolute', bottom: '1rem', left: 0, right: 0, 'text-align': 'center' }}
          >
            {note()}
          </p>
        </Show>
      </div>
      <Show when={info() && asset()}>{(a) => <InfoPanel asset={a()} />}</Show>
    </div>
  );
}
