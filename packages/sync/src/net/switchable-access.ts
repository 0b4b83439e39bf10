import type { DeviceId } from '../ids.ts';
import type { LibraryAccess } from './library-access.ts';
import type { PeerAccess } from './peer-access.ts';

/** A PeerAccess whose library is chosen later; until then nobody is paired. */
export interface SwitchableAccess extends PeerAccess {
  isRevoked(peer: DeviceId | string): boolean;
  /** Switches to `library` (after init on the home node, after pairing on a device). */
  use(library: LibraryAccess): void;
  current(): LibraryAccess | undefined;
}

/**
 * The libp2p node and the network adapter need their access check when they are built,
 * but a new device only learns its library by pairing over that very node. This check
 * refuses everyone until `use` installs the library's, and passes its revocations on.
 */
export function createSwitchableAccess(): SwitchableAccess {
  let library: LibraryAccess | undefined;
  let unsubscribe: (() => void) | undefined;
  const listeners = new Set<(peer: DeviceId) => void>();
  return {
    isPaired: (p) => library?.isPaired(p) ?? false,
    isRevoked: (p) => library?.isRevoked(p) ?? false,
    onRevoked(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    use(next) {
      unsubscribe?.();
      library = next;
      unsubscribe = next.onRevoked((p) => {
        for (const l of listeners) l(p);
      });
    },
    current: () => library,
  };
}
