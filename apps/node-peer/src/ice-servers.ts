/**
 * Publishes the node's configured STUN/TURN servers (config `iceServers`) in the root
 * document, signed by the library key, so every paired device uses them for WebRTC between
 * devices (devices on different networks need them; on one LAN host candidates do). Only the
 * node holding the library key publishes; a joined second home node leaves the list alone.
 */
import type { DocHandle } from '@automerge/automerge-repo';
import { readIceServers, signIceServers, type IceServer, type LibraryKey, type RootDoc } from '@hearth/sync';

const same = (a: readonly IceServer[], b: readonly IceServer[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes the list unless the document already holds the same one, validly signed. An empty
 * list is written only to replace a non-empty one (so removing the setting reaches devices).
 * Returns whether it wrote.
 */
export async function publishIceServers(opts: {
  root: DocHandle<RootDoc>;
  /** the library key (`Library.key.identity`); null on a joined node */
  key: LibraryKey | null | undefined;
  servers: readonly IceServer[];
  log?: (line: string) => void;
}): Promise<boolean> {
  const { root, key, servers } = opts;
  if (!key) return false;
  const now = await readIceServers(root.doc(), key.publicKey);
  const had = (root.doc() as unknown as { iceServers?: unknown }).iceServers !== undefined;
  if (same(now, servers) && (had || servers.length === 0)) return false;
  const signed = await signIceServers(key, servers);
  root.change((d) => {
    // Not in RootDoc's type: devices read it through `readIceServers`, which checks it.
    (d as unknown as Record<string, unknown>)['iceServers'] = JSON.parse(JSON.stringify(signed)) as unknown;
  });
  opts.log?.(
    servers.length
      ? `ICE servers for devices' WebRTC: ${servers.map((s) => s.urls.join(' ')).join(', ')}`
      : 'ICE servers for devices: none (host candidates only)',
  );
  return true;
}
