import { createResource, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import { thumbhashUrl } from '../timeline/thumbhash-url.ts';

/** A square thumbnail of one asset (thumbnail when here, thumbhash before). */
export function AlbumThumb(props: {
  lib: LibraryClient;
  id: string | undefined;
  label: string;
}): JSX.Element {
  const [data] = createResource(
    () => props.id,
    async (id) => ({ url: await props.lib.mediaUrl(id, 'thumbnail'), asset: await props.lib.getAsset(id) }),
  );
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
