/**
 * The home nodes this device knows, in the order it prefers them: the one it paired with
 * (which holds the library key), then every other home node that announced its addresses in
 * the synced root document (`homeNodes`, signed by each node). The worker dials any of them,
 * so a second home node serves the device while the first is down. What was learnt is kept
 * with the pairing, so a reload while the first node is down still finds the second.
 */
import {
  dialAddrsOf,
  listLibraryDevices,
  mergeHomeNodeAddresses,
  readHomeNodeAddresses,
  type HomeNodeAddresses,
} from '@hearth/sync';
import { pickHomeHttpUrl } from '../catalog/home-http-url.ts';
import type { PairingInfo } from './peer-protocol.ts';

/** A home node as the worker dials it and fetches blobs from it. */
export interface KnownHome {
  id: string;
  /** WebSocket multiaddrs ending in `/p2p/<id>` */
  addrs: string[];
  /** its HTTP server for blobs; undefined: the app's own origin */
  httpUrl: string | undefined;
}

/** Browsers can only dial WebSocket (and WebRTC) addresses; TCP ones are skipped. */
export const dialable = (addrs: readonly string[]): string[] =>
  addrs.filter((a) => /\/wss?(\/|$)|\/tls\/ws(\/|$)/.test(a));

const withPeer = (a: string, id: string) => (a.includes('/p2p/') ? a : `${a}/p2p/${id}`);
const uniq = (xs: string[]) => [...new Set(xs)];

/** Every home node of the pairing, the paired-with one first. */
export function knownHomes(info: PairingInfo, appOrigin: string): KnownHome[] {
  const announced = info.homeNodes ?? [];
  const first = announced.find((a) => a.deviceId === info.homeNode);
  const firstAddrs = uniq([
    ...(first ? dialable(dialAddrsOf(first)) : []),
    ...info.homeAddrs.map((a) => withPeer(a, info.homeNode)),
  ]);
  const homes: KnownHome[] = [
    {
      id: info.homeNode,
      addrs: firstAddrs,
      httpUrl: first?.httpUrls.length
        ? pickHomeHttpUrl(first.httpUrls, firstAddrs, appOrigin)
        : info.homeHttpUrl,
    },
  ];
  for (const a of announced) {
    if (a.deviceId === info.homeNode) continue;
    const addrs = dialable(dialAddrsOf(a));
    homes.push({
      id: a.deviceId,
      addrs,
      httpUrl: a.httpUrls.length ? pickHomeHttpUrl(a.httpUrls, addrs, appOrigin) : undefined,
    });
  }
  return homes;
}

/**
 * What the root document says now, merged into what the pairing kept: per node the later
 * announcement wins; a node no longer an unrevoked home node of the library is dropped.
 * Entries the document holds but that fail their checks are logged and left out. Returns
 * the new list, or undefined when nothing changed.
 */
export async function learnHomeNodes(
  doc: unknown,
  info: PairingInfo,
  log: (line: string) => void = (l) => console.info(l),
): Promise<HomeNodeAddresses[] | undefined> {
  if (!info.libraryPublicKey) return undefined;
  const read = await readHomeNodeAddresses(doc, info.libraryPublicKey, (id, why) =>
    log(`root document: ignored the addresses of ${id.slice(0, 60)}: ${why}`),
  );
  const homeNodes = new Set(
    (await listLibraryDevices(doc, info.libraryPublicKey))
      .filter((d) => d.role === 'home-node' && d.revokedAt === undefined)
      .map((d) => d.deviceId as string),
  );
  // An empty document (not loaded yet) says nothing about who is a home node.
  if (homeNodes.size === 0) return undefined;
  const merged = mergeHomeNodeAddresses(info.homeNodes ?? [], read).filter((a) => homeNodes.has(a.deviceId));
  const key = (l: readonly HomeNodeAddresses[]) =>
    JSON.stringify([...l].sort((x, y) => x.deviceId.localeCompare(y.deviceId)));
  return key(merged) === key(info.homeNodes ?? []) ? undefined : merged;
}
