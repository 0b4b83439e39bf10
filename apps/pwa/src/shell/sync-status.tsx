import { Show, type JSX } from 'solid-js';
import { createOnlineSignal } from './online-status.ts';

/**
 * Online/offline, peers and what is pending each way. Until the home-node link lands
 * (pairing + catalog sync from @hearth/sync) there are no peers: edits wait locally.
 */
export function SyncStatus(props: { pendingUploads: number; peers: number }): JSX.Element {
  const online = createOnlineSignal();
  return (
    <div class="sync-status" role="status" aria-live="polite" data-online={online() ? 'yes' : 'no'}>
      <span class="dot" aria-hidden="true" />
      <span>{online() ? 'Online' : 'Offline'}</span>
      <span class="muted">
        · {props.peers === 0 ? 'no peer connected' : `${props.peers} peer${props.peers === 1 ? '' : 's'}`}
      </span>
      <Show when={props.pendingUploads > 0}>
        <span class="muted"> · {props.pendingUploads} to back up</span>
      </Show>
    </div>
  );
}
