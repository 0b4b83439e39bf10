/**
 * The STUN/TURN servers this device's WebRTC uses: the list the first home node publishes in
 * the root document signed by the library key, then each home node's own list signed by its
 * node key (`@hearth/sync` `readAllIceServers`; forged, oversize or revoked nodes' lists are
 * left out; with none, host candidates only). The peer node reads `current()` at each
 * new peer connection, so a list that arrives or changes later takes effect at the next dial.
 */
import type { DocHandle } from '@automerge/automerge-repo';
import { readAllIceServers, type HomeNodeIce, type IceServer } from '@hearth/sync';

export interface IceServersFollower {
  current(): IceServer[];
  /**
   * Starts following a root document (again: the previous one is let go). Resolves once its
   * current list is read, so a caller can wait before its first WebRTC dial.
   */
  follow<T>(root: DocHandle<T>, libraryPublicKey: string | undefined): Promise<void>;
  stop(): void;
}

export function createIceServersFollower(log?: (line: string) => void): IceServersFollower {
  let servers: IceServer[] = [];
  /** the node lists read so far: a peer writing back an older one does not win (later wins) */
  let kept: HomeNodeIce[] = [];
  let seq = 0;
  let unfollow: (() => void) | undefined;
  return {
    current: () => servers,
    async follow(root, libraryPublicKey) {
      unfollow?.();
      kept = [];
      if (!libraryPublicKey) return;
      const read = async () => {
        const mine = ++seq;
        const got = await readAllIceServers(root.doc(), libraryPublicKey, kept);
        // Reads finish out of order; only the latest counts.
        if (mine !== seq) return;
        kept = got.nodes;
        const s = got.servers;
        if (JSON.stringify(s) === JSON.stringify(servers)) return;
        servers = s;
        log?.(`ICE servers: ${s.length ? s.map((x) => x.urls.join(' ')).join(', ') : 'none'}`);
      };
      const onChange = () => void read();
      root.on('change', onChange);
      unfollow = () => root.off('change', onChange);
      await read();
    },
    stop() {
      unfollow?.();
      unfollow = undefined;
      seq++;
    },
  };
}
