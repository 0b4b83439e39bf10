/**
 * The home node's status in the peer worker: watched over `/hearth/status/1` whenever a home
 * node is connected (again after each reconnect), each frame passed on to the page. With more
 * than one home node it watches the first connected in the order `homes()` gives (the
 * paired-with node first), so with that one down the panel shows the second. `null` when the
 * watch ends: the panel then says the status is not known, rather than showing a stale
 * "making thumbnails".
 */
import { watchNodeStatus, type NodeStatus, type PeerNode } from '@hearth/sync';

export function watchHomeStatus(
  n: PeerNode,
  homes: () => readonly string[],
  onStatus: (status: NodeStatus | null) => void,
): () => void {
  let watching = false;
  let stopped = false;
  const ac = new AbortController();
  const target = () => {
    const online = new Set(n.getPeers().map((p) => p.toString()));
    return homes().find((h) => online.has(h));
  };
  const connected = () => target() !== undefined;
  const watch = () => {
    const home = target();
    if (watching || stopped || home === undefined) return;
    watching = true;
    watchNodeStatus(n, home, onStatus, { signal: ac.signal })
      .catch((e: unknown) => console.info('home node status:', e))
      .finally(() => {
        watching = false;
        if (!stopped) onStatus(null);
        // Still connected (the node restarted its side, or refused a frame): try again shortly.
        if (!stopped && connected()) setTimeout(watch, 5000);
      });
  };
  const onConnect = (ev: CustomEvent<{ toString(): string }>) => {
    if (homes().includes(ev.detail.toString())) watch();
  };
  n.addEventListener('peer:connect', onConnect);
  watch();
  return () => {
    stopped = true;
    ac.abort();
    n.removeEventListener('peer:connect', onConnect);
  };
}
