/**
 * Publishes the node's configured STUN/TURN servers (config `iceServers`) in the root
 * document, so every paired device uses them for WebRTC between devices (devices on different
 * networks need them; on one LAN host candidates do). The node holding the library key signs
 * the list with it (`iceServers`, which older devices read); a joined second home node signs
 * its own list with its node key (`homeNodeIce[<its id>]`, `@hearth/sync` home-node-ice.ts).
 */
import type { DocHandle } from '@automerge/automerge-repo';
import type { PrivateKey } from '@libp2p/interface';
import {
  listLibraryDevices,
  readAllIceServers,
  readIceServers,
  signHomeNodeIce,
  signIceServers,
  type IceServer,
  type LibraryKey,
  type RootDoc,
} from '@hearth/sync';

const same = (a: readonly IceServer[], b: readonly IceServer[]) => JSON.stringify(a) === JSON.stringify(b);
type Doc = Record<string, unknown>;
/** A plain copy: an object read from the document cannot be written back into it. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const logList = (servers: readonly IceServer[]) =>
  servers.length
    ? `ICE servers for devices' WebRTC: ${servers.map((s) => s.urls.join(' ')).join(', ')}`
    : 'ICE servers for devices: none (host candidates only)';

/**
 * Writes the list unless the document already holds the same one, validly signed. An empty
 * list is written only to replace a non-empty one (so removing the setting reaches devices).
 * With no library key the node's own key signs it; with neither the setting is left unused,
 * with a warning. Returns whether it wrote.
 */
export async function publishIceServers(opts: {
  root: DocHandle<RootDoc>;
  /** the library key (`Library.key.identity`); null on a joined node */
  key: LibraryKey | null | undefined;
  /** this node's key and id (its PeerId), for a joined node's own list */
  node?: { key: PrivateKey; deviceId: string; libraryPublicKey: string };
  servers: readonly IceServer[];
  log?: (line: string) => void;
}): Promise<boolean> {
  const { root, key, servers } = opts;
  if (key) {
    const now = await readIceServers(root.doc(), key.publicKey);
    const had = (root.doc() as unknown as Doc)['iceServers'] !== undefined;
    if (same(now, servers) && (had || servers.length === 0)) return false;
    const signed = await signIceServers(key, servers);
    root.change((d) => {
      // Not in RootDoc's type: devices read it through `readIceServers`, which checks it.
      (d as unknown as Doc)['iceServers'] = plain(signed) as unknown;
    });
    opts.log?.(logList(servers));
    return true;
  }
  if (!opts.node) {
    if (servers.length)
      opts.log?.(
        'warning: ICE servers setting not published (no library key and no node key): devices do not use it',
      );
    return false;
  }
  const { deviceId, libraryPublicKey } = opts.node;
  const mine = (await readAllIceServers(root.doc(), libraryPublicKey)).nodes.find(
    (n) => n.deviceId === deviceId,
  );
  const hadEntry =
    ((root.doc() as unknown as Doc)['homeNodeIce'] as Doc | undefined)?.[deviceId] !== undefined;
  const certified = mine !== undefined || (await isHomeNode(root, libraryPublicKey, deviceId));
  if (mine ? same(mine.servers, servers) : servers.length === 0 && !hadEntry) return warnUnless(certified);
  const signed = await signHomeNodeIce(opts.node.key, {
    deviceId,
    servers,
    // Never behind an entry already there (a clock stepped back would otherwise lose to it).
    at: Math.max(Date.now(), (mine?.at ?? 0) + 1),
  });
  root.change((d) => {
    const doc = d as unknown as Doc;
    doc['homeNodeIce'] ??= {};
    (doc['homeNodeIce'] as Doc)[deviceId] = plain(signed) as unknown;
  });
  opts.log?.(logList(servers) + ' (signed by this node)');
  warnUnless(certified);
  return true;

  function warnUnless(ok: boolean): false {
    if (!ok && servers.length)
      opts.log?.(
        "warning: this node's ICE servers are not used by devices yet: its home-node certificate is not (or no longer) in the library",
      );
    return false;
  }
}

async function isHomeNode(root: DocHandle<RootDoc>, libraryPublicKey: string, deviceId: string) {
  return (await listLibraryDevices(root.doc(), libraryPublicKey)).some(
    (d) => d.deviceId === deviceId && d.role === 'home-node' && d.revokedAt === undefined,
  );
}

/**
 * Puts this node's own signed list (`homeNodeIce[<its id>]`, as it is when called, after
 * `publishIceServers`) back whenever the synced root document arrives with it changed or
 * removed: readers ignore a forged list, but the forgery would still have replaced the real
 * one (as `guardHomeAddresses` does for the node's addresses). Returns the unsubscribe function.
 */
export function guardHomeNodeIce(root: DocHandle<RootDoc>, deviceId: string): () => void {
  const entryOf = (doc: RootDoc) => ((doc as unknown as Doc)['homeNodeIce'] as Doc | undefined)?.[deviceId];
  const there = entryOf(root.doc());
  if (there === undefined) return () => undefined;
  const mine = JSON.stringify(plain(there));
  const onChange = ({ doc }: { doc: RootDoc }) => {
    const now = entryOf(doc);
    if (now !== undefined && JSON.stringify(plain(now)) === mine) return;
    root.change((d) => {
      const o = d as unknown as Doc;
      o['homeNodeIce'] ??= {};
      (o['homeNodeIce'] as Doc)[deviceId] = JSON.parse(mine) as unknown;
    });
  };
  root.on('change', onChange);
  return () => void root.off('change', onChange);
}
