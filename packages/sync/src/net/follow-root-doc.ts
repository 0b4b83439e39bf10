import type { DocHandle } from '@automerge/automerge-repo';
import type { LibraryAccess } from './library-access.ts';

/**
 * Keeps a LibraryAccess in step with the root document: every change (local, or synced
 * from any peer) re-reads devices and revocations, so a revocation cuts the device off as
 * soon as it arrives. `onUpdated` runs after each update (e.g. the adapter's `refresh`, to
 * open streams to peers that have just become paired). Returns the unsubscribe function.
 */
export function followRootDoc(
  handle: DocHandle<unknown>,
  access: LibraryAccess,
  onUpdated?: () => void,
  onError?: (e: unknown) => void,
): () => void {
  const update = (doc: unknown): void => {
    access
      .update(doc)
      .then(() => onUpdated?.())
      .catch((e: unknown) => onError?.(e));
  };
  const listener = ({ doc }: { doc: unknown }): void => update(doc);
  handle.on('change', listener);
  if (handle.isReady()) update(handle.doc());
  return () => void handle.off('change', listener);
}
