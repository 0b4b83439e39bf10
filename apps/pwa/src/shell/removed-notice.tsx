import { A, useLocation } from '@solidjs/router';
import { createResource, Show, type JSX } from 'solid-js';
import type { PeerClient } from '../peer/peer-client.ts';

/**
 * "This device was removed from the library", on every page but Devices (which says it
 * itself, beside the form to pair again): a revoked device keeps showing what it held, so
 * without this nothing would tell why it no longer syncs.
 */
export function RemovedNotice(props: {
  peer: Pick<PeerClient, 'removed' | 'pairing'> | undefined;
}): JSX.Element {
  const location = useLocation();
  // Remembered by the pairing across reloads; `removed()` is this session's word from the node.
  const [pairing] = createResource(async () => (await props.peer?.pairing()) ?? null);
  const removed = () => props.peer?.removed() !== undefined || pairing()?.revokedAt !== undefined;
  return (
    <Show when={removed() && !location.pathname.startsWith('/devices')}>
      <div class="removed-notice" role="alert" data-testid="removed-notice">
        This device was removed from the library: it no longer syncs with it.{' '}
        <A href="/devices">Pair it again</A>
      </div>
    </Show>
  );
}
