/**
 * Each home node's own STUN/TURN list, kept in the root document under `homeNodeIce[<its id>]`
 * and signed by its node key (the one its PeerId is), the way `homeNodes` carries its
 * addresses. A joined second home node has no library key, so without this its `iceServers`
 * setting could reach no device. Devices use the library-signed list (`webrtc-ice.ts`, still
 * written by the first node and read for older nodes) first, then every valid node list.
 */
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { fromBase64url, toBase64url } from '../identity/base64url.ts';
import { canonicalBytes } from '../identity/canonical.ts';
import { listLibraryDevices } from './library-devices.ts';
import { checkIceServers, readIceServers, ICE_LIMITS, type IceServer } from './webrtc-ice.ts';

/** One home node's signed ICE list (`homeNodeIce[deviceId]`). */
export interface HomeNodeIce {
  deviceId: string;
  servers: IceServer[];
  /** when the node published it (ms since epoch): a later list from the same node wins */
  at: number;
  /** base64url Ed25519 signature by the node key over the fields above */
  signature: string;
}

const DOMAIN = 'hearth/home-node-ice/1';
/** At most this many servers after merging every list (each list keeps `ICE_LIMITS`). */
export const MERGED_ICE_LIMIT = 2 * ICE_LIMITS.servers;

const fields = (e: Omit<HomeNodeIce, 'signature'>) => ({
  deviceId: e.deviceId,
  servers: JSON.stringify(e.servers),
  at: e.at,
});

/** Signs this node's list with its node key (the daemon writes the result into the root). */
export async function signHomeNodeIce(
  key: PrivateKey,
  opts: { deviceId: string; servers: readonly IceServer[]; at?: number },
): Promise<HomeNodeIce> {
  const body = { deviceId: opts.deviceId, servers: checkIceServers(opts.servers), at: opts.at ?? Date.now() };
  const sig = await key.sign(canonicalBytes(DOMAIN, fields(body)));
  return { ...body, signature: toBase64url(sig) };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** A copy without Automerge's proxies (its strings may be objects until read). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null)) as unknown;

/**
 * Checks one entry from the synced root document (so from any peer): shape, size limits and
 * the signature of the node it is filed under. Returns the entry or why it is ignored.
 */
export async function verifyHomeNodeIce(
  id: string,
  entry: unknown,
): Promise<HomeNodeIce | { ignored: string }> {
  if (!isObj(entry)) return { ignored: 'not an object' };
  const { deviceId, at, signature } = entry;
  if (deviceId !== id) return { ignored: 'names another node' };
  if (typeof at !== 'number' || !Number.isFinite(at)) return { ignored: 'no publication time' };
  let servers: IceServer[];
  try {
    servers = checkIceServers(plain(entry['servers']));
  } catch {
    return { ignored: 'servers malformed or past the size limits' };
  }
  const sig = typeof signature === 'string' ? fromBase64url(signature) : undefined;
  if (sig?.length !== 64) return { ignored: 'no signature' };
  let ok: boolean;
  try {
    const pub = peerIdFromString(id).publicKey;
    ok =
      pub !== undefined &&
      (await pub.verify(canonicalBytes(DOMAIN, fields({ deviceId: id, servers, at })), sig));
  } catch {
    ok = false; // not a PeerId that carries its key
  }
  if (!ok) return { ignored: 'bad signature' };
  return { deviceId: id, servers, at, signature: signature as string };
}

/** The library's unrevoked home nodes, by id. */
async function homeNodesOf(root: unknown, libraryPublicKey: string): Promise<Set<string>> {
  return new Set(
    (await listLibraryDevices(root, libraryPublicKey))
      .filter((d) => d.role === 'home-node' && d.revokedAt === undefined)
      .map((d) => d.deviceId as string),
  );
}

/** What a device reads from a root document: the merged servers and the node lists to keep. */
export interface IceServersRead {
  /** library-signed list first, then each node's (by node id), deduplicated, bounded */
  servers: IceServer[];
  /** the valid node lists (pass them back as `kept` on the next read) */
  nodes: HomeNodeIce[];
}

/**
 * Every ICE server a root document (untrusted) names for this library: the library-signed
 * list, then each home node's list that carries a good signature by a node holding an
 * unrevoked `home-node` certificate. `kept` (what the device read before) guards against a
 * peer writing back an older signed list: per node the later one wins, and a kept list stops
 * counting once its node is revoked. Ignored entries are reported to `onIgnored` with why.
 */
export async function readAllIceServers(
  root: unknown,
  libraryPublicKey: string,
  kept: readonly HomeNodeIce[] = [],
  onIgnored?: (deviceId: string, reason: string) => void,
): Promise<IceServersRead> {
  const library = await readIceServers(root, libraryPublicKey);
  const homeNodes = await homeNodesOf(root, libraryPublicKey);
  const by = new Map<string, HomeNodeIce>();
  for (const k of kept) if (homeNodes.has(k.deviceId)) by.set(k.deviceId, k);
  const doc = isObj(root) && isObj(root['homeNodeIce']) ? root['homeNodeIce'] : {};
  for (const [id, entry] of Object.entries(doc)) {
    if (!homeNodes.has(id)) {
      onIgnored?.(id.slice(0, 100), 'not a home node of the library (or revoked)');
      continue;
    }
    const v = await verifyHomeNodeIce(id, entry);
    if ('ignored' in v) onIgnored?.(id, v.ignored);
    else if (!by.has(id) || v.at > by.get(id)!.at) by.set(id, v);
  }
  const nodes = [...by.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
  return { servers: mergeIceServers([library, ...nodes.map((n) => n.servers)]), nodes };
}

/** Concatenates lists in order, dropping repeats (same URLs and credentials), bounded. */
export function mergeIceServers(lists: readonly (readonly IceServer[])[]): IceServer[] {
  const seen = new Set<string>();
  const out: IceServer[] = [];
  for (const s of lists.flat()) {
    const k = JSON.stringify([[...s.urls].sort(), s.username ?? null, s.credential ?? null]);
    if (seen.has(k) || out.length >= MERGED_ICE_LIMIT) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}
