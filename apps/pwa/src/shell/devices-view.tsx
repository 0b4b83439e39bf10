import { createResource, createSignal, Show, type JSX } from 'solid-js';
import { usePeer } from '../peer/peer-context.tsx';
import { DeviceList } from './device-list.tsx';

/**
 * Devices and pairing: paste the `hearth://pair?…` link that `hearth start` / `hearth pair`
 * prints (or scan its QR code with the phone's camera, which opens the link). The pairing
 * runs in the peer worker over libp2p WebSockets; the certificate and the device key stay
 * in this browser.
 */
export function DevicesView(): JSX.Element {
  const peer = usePeer();
  const [pairing, { refetch }] = createResource(async () => (await peer?.pairing()) ?? null);
  const [link, setLink] = createSignal('');
  const [name, setName] = createSignal(defaultName());
  const [message, setMessage] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  /** revoked, as the home node said (this session, or remembered by the pairing) */
  const removed = () => peer?.removed() !== undefined || pairing()?.revokedAt !== undefined;

  async function pair(): Promise<void> {
    if (!peer) return;
    setBusy(true);
    setMessage('Pairing…');
    try {
      const info = await peer.pair(link().trim(), name().trim() || defaultName());
      setMessage(`Paired with the library ${info.libraryId}. Reload to open the synced library.`);
      setLink('');
      void refetch();
    } catch (e) {
      const err = e as { code?: string; message?: string };
      setMessage(`Pairing failed (${err.code ?? 'error'}): ${err.message ?? String(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page" aria-labelledby="devices-title">
      <h1 id="devices-title" class="page-title">
        Devices
      </h1>
      <Show when={pairing()}>
        {(p) => (
          <>
            <h2>Devices in this library</h2>
            <DeviceList
              peer={peer!}
              removed={removed()}
              fallback={[
                {
                  deviceId: p().deviceId,
                  name: p().deviceName,
                  role: p().role,
                  issuedAt: p().pairedAt,
                  thisDevice: true,
                  online: true,
                },
                {
                  deviceId: p().homeNode,
                  name: 'Home node',
                  role: 'home-node',
                  issuedAt: 0,
                  thisDevice: false,
                  keyHolder: true,
                  online: false,
                },
              ]}
            />
            <p class="muted">
              Library {p().libraryId}, this device paired {new Date(p().pairedAt).toLocaleString()}. The home
              node signs revocations (also “hearth devices revoke” there).
            </p>
          </>
        )}
      </Show>
      <h2>{pairing() ? 'Pair again' : 'Pair with your home node'}</h2>
      <p class="muted">
        On the home node run “hearth pair” (or look at what “hearth start” printed) and paste the pairing link
        here.
      </p>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void pair();
        }}
      >
        <label class="field">
          <span>Pairing link</span>
          <input
            value={link()}
            onInput={(e) => setLink(e.currentTarget.value)}
            placeholder="hearth://pair?c=…"
            required
          />
        </label>
        <label class="field">
          <span>Name of this device</span>
          <input value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy() || !peer}>
          Pair
        </button>
      </form>
      <Show when={message()}>
        <p role="status">{message()}</p>
      </Show>
    </section>
  );
}

function defaultName(): string {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac/.test(ua)
        ? 'Mac'
        : /Windows/.test(ua)
          ? 'Windows'
          : 'Linux';
  return `Browser on ${os}`;
}
