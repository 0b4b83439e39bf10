import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { encode } from 'cborg';
import { fromBase64url, toBase64url } from '../identity/base64url.ts';
import { listLibraryDevices } from './library-devices.ts';

/**
 * A home node's own statement of where it can be reached, kept in the root document under
 * `homeNodes[<its id>]` and signed by its node key (the one its PeerId is), so a paired device
 * that edits the document cannot point others at an address of its choosing. Devices dial any
 * home node they know, so a second home node is found when the first is down.
 */
export interface HomeNodeAddresses {
  deviceId: string;
  /** libp2p multiaddrs (TCP and WebSocket), each ending in `/p2p/<deviceId>` or not */
  addrs: string[];
  /** the node's HTTP URLs for blobs, best first */
  httpUrls: string[];
  /** when the node announced them (ms since epoch): a later announcement replaces an earlier */
  at: number;
  /** base64url Ed25519 signature by the node key over the fields above */
  signature: string;
}

const DOMAIN = 'hearth/home-node-addresses/1';
/** Bounds on an entry from a peer: anything past them is ignored, not trimmed. */
export const HOME_ADDRS_LIMITS = { addrs: 32, httpUrls: 8, chars: 300 } as const;

const signedBytes = (a: Omit<HomeNodeAddresses, 'signature'>) =>
  encode([DOMAIN, { deviceId: a.deviceId, addrs: a.addrs, httpUrls: a.httpUrls, at: a.at }]);

/** Signs this node's addresses with its node key (the daemon writes the result into the root). */
export async function signHomeNodeAddresses(
  key: PrivateKey,
  fields: { deviceId: string; addrs: string[]; httpUrls: string[]; at?: number },
): Promise<HomeNodeAddresses> {
  const body = {
    deviceId: fields.deviceId,
    addrs: [...fields.addrs],
    httpUrls: [...fields.httpUrls],
    at: fields.at ?? Date.now(),
  };
  return { ...body, signature: toBase64url(await key.sign(signedBytes(body))) };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const strings = (v: unknown, max: number): string[] | undefined =>
  Array.isArray(v) &&
  v.length <= max &&
  v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= HOME_ADDRS_LIMITS.chars)
    ? [...(v as string[])]
    : undefined;

/**
 * Checks one entry that came from the synced root document (so from any peer): shape, bounds,
 * and the signature of the node it names. Returns the entry or why it is ignored.
 */
export async function verifyHomeNodeAddresses(
  key: string,
  entry: unknown,
): Promise<HomeNodeAddresses | { ignored: string }> {
  if (!isObj(entry)) return { ignored: 'not an object' };
  const { deviceId, at, signature } = entry;
  if (deviceId !== key) return { ignored: 'names another node' };
  const addrs = strings(entry['addrs'], HOME_ADDRS_LIMITS.addrs);
  const httpUrls = strings(entry['httpUrls'], HOME_ADDRS_LIMITS.httpUrls);
  if (!addrs || !httpUrls) return { ignored: 'addresses malformed or past the size limits' };
  if (typeof at !== 'number' || !Number.isFinite(at)) return { ignored: 'no announcement time' };
  if (httpUrls.some((u) => !/^https?:\/\//.test(u))) return { ignored: 'an HTTP URL is not http(s)' };
  const sig = typeof signature === 'string' ? fromBase64url(signature) : undefined;
  if (sig?.length !== 64) return { ignored: 'no signature' };
  let ok: boolean;
  try {
    const pub = peerIdFromString(key).publicKey;
    ok = pub !== undefined && (await pub.verify(signedBytes({ deviceId: key, addrs, httpUrls, at }), sig));
  } catch {
    ok = false; // not a PeerId that carries its key
  }
  if (!ok) return { ignored: 'bad signature' };
  return { deviceId: key, addrs, httpUrls, at, signature: signature as string };
}

/**
 * Every home node's announced addresses in a root document: only entries signed by a node that
 * holds an unrevoked `home-node` certificate of the library count. Garbage, oversized or forged
 * entries are left out and reported to `onIgnored` with the reason.
 */
export async function readHomeNodeAddresses(
  root: unknown,
  libraryPublicKey: string,
  onIgnored?: (deviceId: string, reason: string) => void,
): Promise<HomeNodeAddresses[]> {
  if (!isObj(root) || !isObj(root['homeNodes'])) return [];
  const homeNodes = new Set(
    (await listLibraryDevices(root, libraryPublicKey))
      .filter((d) => d.role === 'home-node' && d.revokedAt === undefined)
      .map((d) => d.deviceId as string),
  );
  const out: HomeNodeAddresses[] = [];
  for (const [id, entry] of Object.entries(root['homeNodes'])) {
    if (!homeNodes.has(id)) {
      onIgnored?.(id.slice(0, 100), 'not a home node of the library (or revoked)');
      continue;
    }
    const v = await verifyHomeNodeAddresses(id, entry);
    if ('ignored' in v) onIgnored?.(id, v.ignored);
    else out.push(v);
  }
  return out;
}

/**
 * Merges what a device kept with what it read now, per node: the later announcement wins, so
 * an old copy of the document arriving late does not bring back a port the node left.
 */
export function mergeHomeNodeAddresses(
  kept: readonly HomeNodeAddresses[],
  read: readonly HomeNodeAddresses[],
): HomeNodeAddresses[] {
  const by = new Map<string, HomeNodeAddresses>();
  for (const a of [...kept, ...read]) {
    const had = by.get(a.deviceId);
    if (!had || a.at > had.at) by.set(a.deviceId, a);
  }
  return [...by.values()];
}

/** The addresses as libp2p dials them (each with `/p2p/<node>`). */
export function dialAddrsOf(a: Pick<HomeNodeAddresses, 'deviceId' | 'addrs'>): string[] {
  return a.addrs.map((s) => (s.includes('/p2p/') ? s : `${s}/p2p/${a.deviceId}`));
}
