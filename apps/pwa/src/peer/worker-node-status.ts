/**
 * The home node's status in the peer worker: watched over `/hearth/status/1` whenever the home
 * node is connected (again after each reconnect), each frame passed on to the page. `null`
 * when the watch ends: the panel then says the status is not known, rather than showing a
 * stale "making thumbnails".
 */
import { watchNodeStatus, type NodeStatus, type PeerNode } from '@hearth/sync';
import type { PairingInfo } from './peer-protocol.ts';

export function watchHomeStatus(
  n: PeerNode,
  info: PairingInfo,
  onStatus: (status: NodeStatus | null) => void,
): () => void {
  let watching = false;
  let stopped = false;
  const ac = new AbortController();
  const connected = () => n.getPeers().some((p) => p.toString() === info.homeNode);
  const watch = () => {
    if (watching || stopped || !connected()) return;
    watching = true;
    watchNodeStatus(n, info.homeNode, onStatus, { signal: ac.signal })
      .catch((e: unknown) => console.info('home node status:', e))
      .finally(() => {
        watching = false;
        if (!stopped) onStatus(null);
        // Still connected (the node restarted its side, or refused a frame): try again shortly.
        if (!stopped && connected()) setTimeout(watch, 5000);
      });
  };
  const onConnect = (ev: CustomEvent<{ toString(): string }>) => {
    if (ev.detail.toString() === info.homeNode) watch();
  };
  n.addEventListener('peer:connect', onConnect);
  watch();
  return () => {
    stopped = true;
    ac.abort();
    n.removeEventListener('peer:connect', onConnect);
  };
}
