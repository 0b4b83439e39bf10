/**
 * A Hearth peer in its own process, for integration tests: a libp2p node (TCP + WebSockets
 * on 127.0.0.1), an automerge Repo with nodefs storage in `HEARTH_PEER_DIR`, and the
 * Libp2pNetworkAdapter. Driven over the IPC channel with commands from command-table.ts.
 * Run by spawn-peer.ts with `process.execPath` (Node 24 runs this .ts directly).
 */
import { Repo } from '@automerge/automerge-repo';
import { Libp2pNetworkAdapter, createSwitchableAccess, followRootDoc } from '@hearth/sync';
import { createCatalogStorage, createPeerNode } from '@hearth/sync/platform';
import { commandTable } from './command-table.ts';
import type { PeerContext } from './peer-context.ts';
import type { PeerMessage, PeerRequest } from './peer-protocol.ts';

const send = (m: PeerMessage): void => {
  process.send?.(m);
};
const name = process.env['HEARTH_PEER_NAME'] ?? 'peer';
const dataDir = process.env['HEARTH_PEER_DIR'];
if (!dataDir || !process.send) {
  console.error(
    'peer-process.ts is started by test/support/spawn-peer.ts (needs HEARTH_PEER_DIR and an IPC channel)',
  );
  process.exit(2);
}

// The node and adapter are built before the library is known (a device pairs first).
const access = createSwitchableAccess();
// eslint-disable-next-line prefer-const -- closures below are made before ctx exists
let ctx: PeerContext;

const node = await createPeerNode({
  listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
  access,
  relayServer: false,
});
const adapter = new Libp2pNetworkAdapter({
  node,
  access,
  readyTimeoutMs: 500,
  onDrop: (peer, reason) => ctx.emit('adapter-drop', { peer, reason }),
});
// Closable: a throttled save after shutdown is dropped, not written while the dir is removed.
const storage = createCatalogStorage(dataDir);
const repo = new Repo({
  network: [adapter],
  storage,
  peerId: node.peerId.toString() as never,
});

ctx = {
  name,
  dataDir,
  node,
  repo,
  adapter,
  access,
  clockSkewMs: 0,
  extra: {},
  emit: (event, detail = {}) => send({ event, at: Date.now(), ...detail }),
  useLibrary(library, root) {
    access.use(library);
    ctx.root = root;
    library.onRevoked((p) => ctx.emit('revoked', { peer: p }));
    followRootDoc(root as never, library, () => adapter.refresh());
  },
};

node.addEventListener('peer:connect', (e) => ctx.emit('peer:connect', { peer: e.detail.toString() }));
node.addEventListener('peer:disconnect', (e) => ctx.emit('peer:disconnect', { peer: e.detail.toString() }));

async function stop(): Promise<void> {
  await repo.shutdown().catch(() => {});
  await storage.close();
  await node.stop();
}

process.on('message', (raw: PeerRequest) => {
  const { id, cmd, args } = raw;
  if (cmd === 'stop') {
    void stop().finally(() => {
      send({ id, ok: true, result: null });
      process.disconnect?.();
      process.exit(0);
    });
    return;
  }
  const handler = commandTable[cmd];
  if (!handler) {
    send({ id, ok: false, error: { code: 'UNKNOWN_COMMAND', message: `unknown command ${cmd}` } });
    return;
  }
  handler(ctx, args ?? {}).then(
    (result) => send({ id, ok: true, result: result ?? null }),
    (e: unknown) => {
      const err = e as { code?: unknown; message?: unknown };
      send({
        id,
        ok: false,
        error: { code: typeof err.code === 'string' ? err.code : 'ERROR', message: String(err.message ?? e) },
      });
    },
  );
});
// The test process going away takes this peer with it.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});

send({ ready: true });
