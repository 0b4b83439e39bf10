import { Show, type JSX } from 'solid-js';
import type { SyncCounts } from '../peer/peer-protocol.ts';
import { createOnlineSignal } from './online-status.ts';
import { lastSyncText, type SyncMemory } from './sync-memory.ts';

/**
 * Online/offline, peers and what is pending each way: catalog documents (albums, months) with
 * edits the home node does not have yet / it has and this device does not, and uploads.
 */
export function SyncStatus(props: {
  pendingUploads: number;
  peers: number;
  /** catalog documents pending with the home node each way (absent: unpaired or not known yet) */
  sync?: SyncCounts | undefined;
  /** what was last known (sync-memory.ts), shown while `sync` is not known (after an offline reload) */
  last?: SyncMemory | undefined;
  /** the clock for "5 min ago" (the shell ticks it) */
  now?: number;
}): JSX.Element {
  const online = createOnlineSignal();
  return (
    <div class="sync-status" role="status" aria-live="polite" data-online={online() ? 'yes' : 'no'}>
      <span class="dot" aria-hidden="true" />
      <span>{online() ? 'Online' : 'Offline'}</span>
      <span class="muted">
        · {props.peers === 0 ? 'no peer connected' : `${props.peers} peer${props.peers === 1 ? '' : 's'}`}
      </span>
      <Show when={props.sync}>
        {(s) => (
          <span class="muted" data-testid="sync-pending" title="albums and months with edits not yet synced">
            {' · '}
            {s().toSend === 0 && s().toReceive === 0
              ? 'all synced'
              : [
                  s().toSend > 0 ? `${s().toSend} to send` : '',
                  s().toReceive > 0 ? `${s().toReceive} to receive` : '',
                ]
                  .filter(Boolean)
                  .join(', ')}
          </span>
        )}
      </Show>
      <Show when={!props.sync && props.last}>
        {(m) => (
          <span
            class="muted"
            data-testid="sync-last"
            title="what this device last knew; it has not reached the home node since"
          >
            {' · '}
            {lastSyncText(m(), props.now ?? Date.now())}
          </span>
        )}
      </Show>
      <Show when={props.pendingUploads > 0}>
        <span class="muted"> · {props.pendingUploads} to back up</span>
      </Show>
    </div>
  );
}
