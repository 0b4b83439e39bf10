import type { PeerId } from '@automerge/automerge-repo';
import type { Stream } from '@libp2p/interface';

/**
 * One libp2p peer's automerge link. Streams are one-way: each side writes only on the stream
 * it opened and reads only the one it accepted, so two peers connecting at once never race
 * over which stream to keep.
 */
export interface Link {
  remote: string;
  outbound: Stream | undefined;
  opening: boolean;
  inbound: Stream | undefined;
  /** the remote repo's peer id, known from its hello */
  repoPeer: PeerId | undefined;
  /** frames waiting for the outbound stream */
  queue: Uint8Array[];
  /** bumped when the remote starts a new link, so a stream still opening for the old one is dropped */
  epoch: number;
  writing: Promise<void>;
}

/** A link to `remote` with no streams yet. */
export function newLink(remote: string): Link {
  return {
    remote,
    outbound: undefined,
    inbound: undefined,
    repoPeer: undefined,
    opening: false,
    queue: [],
    epoch: 0,
    writing: Promise.resolve(),
  };
}
