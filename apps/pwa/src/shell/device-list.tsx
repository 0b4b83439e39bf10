import { createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { PeerClient } from '../peer/peer-client.ts';
import type { PeerDevice } from '../peer/peer-protocol.ts';

/** How often the list is re-read: who is online, and revocations that arrived by sync. */
const REFRESH_MS = 3000;

/** How a row names a device's role: the key-holding home node, a second one, or a device. */
export function roleLabel(d: Pick<PeerDevice, 'role' | 'keyHolder'>): string {
  if (d.role !== 'home-node') return 'device';
  return d.keyHolder ? 'home node · holds the library key' : 'second home node · keeps a full copy';
}

/**
 * Every device of the library, read from the synced root document (certificates and
 * revocations, signatures checked in the worker), with a revoke button behind a confirmation.
 * Revoking asks the home node, which holds the library key. Home nodes are marked as such: the
 * key holder cannot be revoked; a second home node can, with its own warning (it stops
 * keeping the library's second copy).
 */
export function DeviceList(props: {
  peer: PeerClient;
  /** shown until the synced list is read (or when it cannot be): what the pairing recorded */
  fallback: PeerDevice[];
  /** the home node told this device it was revoked (before the root document could) */
  removed?: boolean;
}): JSX.Element {
  const [devices, { refetch }] = createResource(() => props.peer.devices());
  const timer = setInterval(() => void refetch(), REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  const [confirming, setConfirming] = createSignal<PeerDevice>();
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal('');
  const shown = () => (devices.latest?.length ? devices.latest : props.fallback);
  const me = () => devices.latest?.find((d) => d.thisDevice);

  async function revoke(d: PeerDevice): Promise<void> {
    setBusy(true);
    setMessage(`Revoking ${d.name || d.deviceId}…`);
    try {
      await props.peer.revokeDevice(d.deviceId);
      setMessage(`Revoked ${d.name || d.deviceId}: it can no longer sync with this library.`);
      setConfirming(undefined);
      void refetch();
    } catch (e) {
      setMessage(revokeFailure(e));
      setConfirming(undefined);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Show when={props.removed || me()?.revokedAt !== undefined}>
        <p role="alert" class="removed-notice">
          This device was removed from the library: it no longer syncs with it, and has stopped connecting to
          its home nodes and devices (they would refuse it). To rejoin, pair it again below with a new code
          from the home node.
        </p>
      </Show>
      <Show when={devices.error as unknown}>
        {(err) => <p role="alert">Cannot list the devices: {(err() as Error).message}</p>}
      </Show>
      <ul class="device-list" aria-label="Devices in this library">
        <For each={shown()}>
          {(d) => (
            <li
              data-device-id={d.deviceId}
              data-revoked={d.revokedAt !== undefined ? 'true' : 'false'}
              data-role={d.role}
              classList={{ 'home-node': d.role === 'home-node' }}
            >
              <Show when={d.role === 'home-node'}>
                <span class="home-node-badge" aria-hidden="true">
                  ⌂{' '}
                </span>
              </Show>
              <strong>{d.name || 'Unnamed device'}</strong>
              <Show when={d.thisDevice}> (this device)</Show>{' '}
              <span class="muted">
                · {roleLabel(d)}
                <Show when={d.issuedAt > 0}> · paired {new Date(d.issuedAt).toLocaleString()}</Show>
              </span>{' '}
              <Show
                when={d.revokedAt === undefined}
                fallback={
                  <span class="device-revoked" style={{ color: '#a3241b', 'font-weight': 600 }}>
                    · revoked {new Date(d.revokedAt!).toLocaleString()}
                  </span>
                }
              >
                {/* Whether a device that is not connected here is online elsewhere is not known. */}
                <Show when={d.online || d.role === 'home-node'}>
                  <span class="muted">{d.online ? '· online' : '· offline'}</span>
                </Show>
              </Show>
              <br />
              <code class="muted">{d.deviceId}</code>
              <Show when={!d.thisDevice && !d.keyHolder && d.revokedAt === undefined}>
                <br />
                <button
                  type="button"
                  class="danger"
                  disabled={busy()}
                  onClick={() => setConfirming(d)}
                  aria-label={`Revoke ${d.name || d.deviceId}`}
                >
                  Revoke
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={message()}>
        <p role="status" class="device-admin-status">
          {message()}
        </p>
      </Show>
      <Show when={confirming()}>
        {(d) => (
          <div
            class="dialog-backdrop"
            onClick={(e) => e.target === e.currentTarget && setConfirming(undefined)}
          >
            <div
              class="dialog"
              role="alertdialog"
              aria-modal="true"
              aria-labelledby="revoke-title"
              aria-describedby="revoke-desc"
              onKeyDown={(e) => e.key === 'Escape' && setConfirming(undefined)}
            >
              <h2 id="revoke-title">
                Revoke {d().role === 'home-node' ? 'home node ' : ''}“{d().name || d().deviceId}”?
              </h2>
              <Show
                when={d().role === 'home-node'}
                fallback={
                  <p id="revoke-desc">
                    It is cut off at once and can no longer sync photos or albums with this library. What it
                    already holds stays on it. To bring it back, pair it again with a new code.
                  </p>
                }
              >
                <p id="revoke-desc">
                  This second home node is cut off at once: it stops syncing and no longer keeps a second copy
                  of every photo, and devices stop using it when the first home node is down. What it already
                  holds stays on its disk. To bring it back, join it again with a code from{' '}
                  <code>hearth pair --home-node</code>.
                </p>
              </Show>
              <div class="row">
                <button type="button" class="danger" disabled={busy()} onClick={() => void revoke(d())}>
                  {d().role === 'home-node' ? 'Revoke home node' : 'Revoke device'}
                </button>
                <button type="button" class="ghost" autofocus onClick={() => setConfirming(undefined)}>
                  Cancel
                </button>
              </div>
            </div>
          </div>
        )}
      </Show>
    </>
  );
}

/** What to tell the person when revoking failed, by the error's code. */
export function revokeFailure(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'DEVICE_ADMIN_NOT_PAIRED':
      return 'Revoking failed: the home node does not count this device as paired (it may have been revoked itself).';
    case 'UNKNOWN_DEVICE':
      return 'Revoking failed: the home node does not know that device.';
    case 'CANNOT_REVOKE_HOME_NODE':
      return 'The home node that holds the library key cannot be revoked.';
    case 'HOME_OFFLINE':
      return 'Revoking needs the home node, and it is not reachable now: try again when it is online.';
    default:
      return `Revoking failed (${err.code ?? 'error'}): ${err.message ?? String(e)}`;
  }
}
