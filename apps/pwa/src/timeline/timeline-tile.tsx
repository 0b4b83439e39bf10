import { createEffect, createSignal, on, onCleanup, Show, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import { FLAG_FAVORITE, FLAG_VIDEO } from '../library/timeline-item.ts';
import type { PlacedTile } from './timeline-layout.ts';
import { thumbhashUrl } from './thumbhash-url.ts';

const LONG_PRESS_MS = 450;
const THUMB_DELAY_MS = 60;
// One formatter for all tiles: Date#toLocaleString builds a new Intl formatter per call
// (~0.2 ms), which a fling pays for a hundred tiles a frame.
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One grid cell. Recycled by the virtualized grid (<Index>), so it follows `tile().item`:
 * the thumbhash paints at once as the background, the thumbnail fades in when it is here.
 */
export function TimelineTile(props: {
  tile: PlacedTile;
  lib: LibraryClient;
  selected: boolean;
  selecting: boolean;
  onActivate: (id: string, e: MouseEvent | KeyboardEvent) => void;
  onLongPress: (id: string) => void;
}): JSX.Element {
  const [thumb, setThumb] = createSignal<string | undefined>();
  /** bumped when media may be had now (a home node connected) while no thumbnail shows */
  const [retry, setRetry] = createSignal(0);
  const off = props.lib.onChange((c) => c.media && !thumb() && setRetry((n) => n + 1));
  onCleanup(off);
  createEffect(
    on(
      // The thumbnail's hash is in the key: a thumbnail the node made after the row was first
      // read is asked for again when the row comes back with it.
      () => [props.tile.item.id, props.tile.item.thumb, retry()] as const,
      ([id, hash]) => {
        setThumb(undefined);
        // Ask only once the tile has stayed a moment: a fling passes thousands of tiles, and
        // each request is a storage read (the thumbhash covers the tile meanwhile).
        const timer = setTimeout(() => {
          // The hash too: bytes of an older thumbnail held here are not shown for the new one.
          // Failing (no home node reached yet) leaves the thumbhash until `media` says to ask again.
          void props.lib.mediaUrl(id, 'thumbnail', hash).then(
            (u) => props.tile.item.id === id && setThumb(u),
            () => undefined,
          );
        }, THUMB_DELAY_MS);
        onCleanup(() => clearTimeout(timer));
      },
    ),
  );
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  let longPressed = false;
  const cancelPress = () => {
    if (pressTimer !== undefined) clearTimeout(pressTimer);
    pressTimer = undefined;
  };
  const placeholder = () => thumbhashUrl(props.tile.item.thumbhash);
  const date = () => dateFormat.format(props.tile.item.capturedAt);
  const kind = () => (props.tile.item.flags & FLAG_VIDEO ? 'Video' : 'Photo');

  return (
    <button
      type="button"
      class="tile"
      classList={{ selected: props.selected }}
      data-id={props.tile.item.id}
      aria-label={`${kind()}, ${date()}`}
      aria-pressed={props.selecting ? props.selected : undefined}
      style={{
        transform: `translate(${props.tile.box.left}px, ${props.tile.box.top}px)`,
        width: `${props.tile.box.width}px`,
        height: `${props.tile.box.height}px`,
        'background-image': placeholder() ? `url(${placeholder()})` : undefined,
      }}
      onPointerDown={(e) => {
        if (e.pointerType !== 'touch') return;
        longPressed = false;
        pressTimer = setTimeout(() => {
          longPressed = true;
          props.onLongPress(props.tile.item.id);
        }, LONG_PRESS_MS);
      }}
      onPointerUp={cancelPress}
      onPointerMove={cancelPress}
      onPointerCancel={cancelPress}
      onContextMenu={(e) => {
        if (longPressed) e.preventDefault();
      }}
      onClick={(e) => {
        if (longPressed) {
          longPressed = false;
          return;
        }
        props.onActivate(props.tile.item.id, e);
      }}
    >
      <Show when={thumb()}>{(src) => <img src={src()} alt="" decoding="async" draggable={false} />}</Show>
      <Show when={props.tile.item.flags & FLAG_VIDEO}>
        <span class="badge video" aria-hidden="true">
          ▶
        </span>
      </Show>
      <Show when={props.tile.item.flags & FLAG_FAVORITE}>
        <span class="badge fav" aria-hidden="true">
          ♥
        </span>
      </Show>
      <Show when={props.selecting}>
        <span class="check" aria-hidden="true">
          {props.selected ? '✓' : ''}
        </span>
      </Show>
    </button>
  );
}
