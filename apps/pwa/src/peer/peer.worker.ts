/// <reference lib="webworker" />
/**
 * The peer worker: this device's libp2p node (WebSockets to the home node, Noise, yamux), so
 * the page's main thread only renders. It pairs the device and keeps the connection to the
 * home node up; the catalog replica (automerge-repo) is meant to live here too.
 */
import {
  deviceIdOf,
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  pairWithCode,
  parsePairingLink,
  type PeerNode,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { multiaddr } from '@multiformats/multiaddr';
import { loadDeviceKeyBytes, loadPairing, saveDeviceKeyBytes, savePairing } from './device-store.idb.ts';
import type { PairingInfo, PeerReply, PeerRequest } from './peer-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: PeerReply) => scope.postMessage(m);
let node: PeerNode | undefined;

async function deviceKey() {
  const bytes = await loadDeviceKeyBytes();
  if (bytes) return importDeviceKey(bytes);
  const key = await generateDeviceKey();
  await saveDeviceKeyBytes(exportDeviceKey(key));
  return key;
}

/** Browsers can only dial WebSocket (and WebRTC) addresses; TCP ones in the link are skipped. */
const dialable = (addrs: readonly string[]) => addrs.filter((a) => /\/wss?(\/|$)|\/tls\/ws(\/|$)/.test(a));

async function ensureNode(allow: readonly string[]): Promise<PeerNode> {
  if (node) return node;
  const n = await createPeerNode({
    privateKey: await deviceKey(),
    allowDial: allow.map((a) => a.replace(/\/p2p\/[^/]+$/, '')),
  });
  const report = () => post({ t: 'peers', count: n.getPeers().length });
  n.addEventListener('peer:connect', report);
  n.addEventListener('peer:disconnect', report);
  node = n;
  return n;
}

async function pair(link: string, name: string): Promise<PairingInfo> {
  const parsed = parsePairingLink(link);
  const addrs = dialable(parsed.addrs);
  const n = await ensureNode(addrs);
  const grant = await pairWithCode(n, { ...parsed, addrs }, { name });
  const info: PairingInfo = {
    libraryId: grant.certificate.libraryId,
    deviceId: deviceIdOf(await deviceKey()),
    deviceName: grant.certificate.name,
    role: grant.certificate.role,
    homeNode: grant.homeNode,
    homeAddrs: addrs,
    rootDocUrl: grant.rootDocUrl,
    pairedAt: Date.now(),
  };
  await savePairing(info);
  return info;
}

async function connect(): Promise<void> {
  const info = await loadPairing();
  if (!info) return;
  const n = await ensureNode(info.homeAddrs);
  await n.dial(info.homeAddrs.map((a) => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${info.homeNode}`)));
}

scope.onmessage = (ev: MessageEvent<PeerRequest>) => {
  const req = ev.data;
  const fail = (e: unknown) => {
    const err = e as { code?: unknown; message?: unknown };
    post({
      id: req.id,
      t: 'error',
      code: typeof err.code === 'string' ? err.code : 'PEER_ERROR',
      message: String(err.message ?? e),
    });
  };
  if (req.t === 'pair')
    pair(req.link, req.name).then((info) => post({ id: req.id, t: 'paired', info }), fail);
  else connect().then(() => post({ id: req.id, t: 'connected' }), fail);
};
// Messages posted while the module's top-level awaits (wasm) were pending would be lost, so
// the page waits for this before sending anything.
post({ t: 'ready' });
