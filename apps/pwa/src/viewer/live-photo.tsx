/**
 * Live Photos and motion photos in the viewer: the still's video plays over it while the LIVE
 * badge is hovered (mouse) or the photo is held (touch), or after a click on the badge until
 * it ends — as Google Photos and Immich do. A Live Photo's video is its paired asset's
 * playback; a motion photo's is the video inside the file (the asset's `motion` media: the
 * home node's derived blob over its HTTP endpoint, or the one split on this device). The
 * video is asked for on the first play only.
 */
import { createEffect, createSignal, Show, type Accessor, type JSX } from 'solid-js';
import type { AssetDetails, LibraryClient, MediaKind } from '../library/library-client.ts';

/** Where the still's video comes from: an asset's media of that kind. */
export interface LiveSource {
  id: string;
  kind: MediaKind;
}

/** A Live Photo plays its paired video's playback; a motion photo its own `motion` media. */
export function liveSourceOf(a: AssetDetails | undefined): LiveSource | undefined {
  if (a?.livePhotoVideo) return { id: a.livePhotoVideo, kind: 'playback' };
  if (a?.motion) return { id: a.id, kind: 'motion' };
  return undefined;
}

/** The state of one Live Photo: its video URL once asked for, and whether it plays. */
export interface LivePhoto {
  playing: Accessor<boolean>;
  url: Accessor<string | undefined>;
  play(on: boolean): Promise<void>;
  /** back to the still (another asset opened) */
  reset(): void;
}

export function createLivePhoto(
  lib: Pick<LibraryClient, 'mediaUrl'>,
  source: () => LiveSource | undefined,
): LivePhoto {
  const [url, setUrl] = createSignal<string>();
  const [playing, setPlaying] = createSignal(false);
  /** the video being asked for: a play while it is on its way waits for the same answer */
  let asking: { key: string; done: Promise<void> } | undefined;
  return {
    playing,
    url,
    async play(on) {
      const src = source();
      if (!src || !on) return void setPlaying(false);
      const key = `${src.id}/${src.kind}`;
      if (!url()) {
        if (asking?.key !== key) {
          const ask: { key: string; done: Promise<void> } = { key, done: Promise.resolve() };
          asking = ask;
          ask.done = lib
            .mediaUrl(src.id, src.kind)
            .catch(() => undefined)
            .then((u) => {
              if (asking !== ask) return; // another photo opened meanwhile
              // Not available now (the node unreachable, the paired video not synced yet): the next play asks again.
              if (u === undefined) asking = undefined;
              else setUrl(u);
            });
        }
        await asking.done;
        const now = source();
        if (`${now?.id}/${now?.kind}` !== key) return;
      }
      setPlaying(url() !== undefined);
    },
    reset() {
      asking = undefined;
      setUrl(undefined);
      setPlaying(false);
    },
  };
}

/**
 * The LIVE badge in the viewer's bar. A click latches playback until the video ends or the
 * badge is clicked again, also when a mouse's hover had already started it (a click then
 * used to stop what the hover started).
 */
export function LiveBadge(props: { live: LivePhoto }): JSX.Element {
  let latched = false;
  createEffect(() => {
    if (!props.live.playing()) latched = false;
  });
  return (
    <button
      type="button"
      class="ghost live-badge"
      aria-label="Play Live Photo"
      aria-pressed={props.live.playing()}
      onPointerEnter={(e) => e.pointerType === 'mouse' && void props.live.play(true)}
      onPointerLeave={(e) => e.pointerType === 'mouse' && !latched && void props.live.play(false)}
      onClick={() => {
        latched = !latched;
        // A play that found no video latches nothing: the next click tries again.
        void props.live.play(latched).then(() => (latched &&= props.live.playing()));
      }}
    >
      ◉ LIVE
    </button>
  );
}

/** The motion part over the still, shown while it plays (muted: it starts without a gesture). */
export function LiveVideo(props: { live: LivePhoto; style: JSX.CSSProperties }): JSX.Element {
  return (
    <Show when={props.live.playing() && props.live.url()}>
      {(src) => (
        <video
          class="viewer-image live-video"
          data-testid="live-video"
          src={src()}
          autoplay
          muted
          playsinline
          onEnded={() => void props.live.play(false)}
          style={{ position: 'absolute', inset: 0, margin: 'auto', background: '#000', ...props.style }}
        />
      )}
    </Show>
  );
}
