import { createSignal, type Accessor } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';

/** At most one renewal per this long: a video that fails for another reason is not retried in a loop. */
const MIN_GAP_MS = 10_000;

/**
 * A video streamed from the home node carries a 10-minute token in its URL (`<video>` cannot
 * send headers). When the node refuses a later Range request (the token expired while
 * playing or paused), the element fails: this asks for a fresh URL and carries on from the
 * same time, playing if it was.
 */
export function createVideoRefresh(
  lib: Pick<LibraryClient, 'mediaUrl'>,
  id: () => string,
): { src: Accessor<string | undefined>; onError(v: HTMLVideoElement): Promise<void>; reset(): void } {
  const [src, setSrc] = createSignal<string>();
  let last = 0;
  return {
    src,
    async onError(v) {
      const now = Date.now();
      // Object URLs (held here) do not expire.
      if (!/^https?:/.test(v.currentSrc || v.src) || now - last < MIN_GAP_MS) return;
      last = now;
      const at = v.currentTime;
      // The spec leaves `paused` alone on a network error: false means it was playing.
      const resume = !v.paused;
      const asked = id();
      const fresh = await lib.mediaUrl(asked, 'playback').catch(() => undefined);
      if (!fresh || asked !== id()) return;
      v.addEventListener(
        'loadedmetadata',
        () => {
          v.currentTime = at;
          if (resume) void v.play().catch(() => undefined);
        },
        { once: true },
      );
      setSrc(fresh === v.src ? `${fresh}${fresh.includes('#') ? '' : '#'}` : fresh);
    },
    reset() {
      setSrc(undefined);
      last = 0;
    },
  };
}
