import { createResource, createSignal, onCleanup, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import { thumbhashUrl } from '../timeline/thumbhash-url.ts';

/** A square thumbnail of one asset (thumbnail when here, thumbhash before). */
export function AlbumThumb(props: {
  lib: LibraryClient;
  id: string | undefined;
  label: string;
}): JSX.Element {
  const [version, setVersion] = createSignal(0);
  let found = false;
  let shown = false;
  const [data] = createResource(
    () => (props.id === undefined ? undefined : ([props.id, version()] as const)),
    async ([id]) => {
      found = shown = false;
      // Not to be had now (no home node reached yet): asked again when one is (`media`).
      const url = await props.lib.mediaUrl(id, 'thumbnail').catch(() => undefined);
      const asset = await props.lib.getAsset(id);
      found = asset !== undefined;
      shown = url !== undefined;
      return { url, asset };
    },
  );
  // An album can reach this device before its photos' months do, and a month arriving names no
  // asset: while the photo is missing, any month change reads it again (as does a change naming it).
  const off = props.lib.onChange((c) => {
    const id = props.id;
    if (id === undefined) return;
    if (c.assets.includes(id) || (!found && c.months.length > 0) || (c.media && !shown))
      setVersion((v) => v + 1);
  });
  onCleanup(off);
  return (
    <span
      class="album-thumb"
      role="img"
      aria-label={props.label}
      style={{
        'background-image': data()?.url
          ? `url(${data()!.url})`
          : thumbhashUrl(data()?.asset?.thumbhash)
            ? `url(${thumbhashUrl(data()?.asset?.thumbhash)})`
            : undefined,
      }}
    />
  );
}
