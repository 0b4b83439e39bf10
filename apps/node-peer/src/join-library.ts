import { access, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Repo, type PeerId as RepoPeerId } from '@automerge/automerge-repo';
import { multiaddr } from '@multiformats/multiaddr';
import {
  type HearthError,
  Libp2pNetworkAdapter,
  createLibraryAccess,
  deviceIdOf,
  findDoc,
  libraryIdOf,
  pairWithCode,
  shutdownRepo,
  parsePairingLink,
  withTimeout,
  type PairingResult,
  type RootDoc,
} from '@hearth/sync';
import { createCatalogStorage, createPeerNode } from '@hearth/sync/platform';
import { createHypercoreAuditLog } from './audit-log.hypercore.ts';
import { dataDirLayout } from './data-dir.ts';
import { loadOrCreateDeviceKey } from './device-key-file.ts';
import { DataDirError, NodePeerError } from './errors.ts';
import type { LibraryInfo } from './library.ts';
import { nodeSigningKey } from './library-key.ts';
import { writeMembership, type Membership } from './membership.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** Joining failed: the code was refused, or the home node could not be reached (exit 1). */
export class JoinFailedError extends NodePeerError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 1, options);
  }
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Options of {@link joinLibrary}. */
export interface JoinOptions {
  /** This node's name in the device list (default: the host name). */
  name?: string;
  /** Bound on pairing and on the root document's arrival (default 30 s each). */
  timeoutMs?: number;
}

/**
 * `hearth init --join <link>`: makes `root` a second home node of an existing library. It
 * pairs with the home node in the link using a code made by `hearth pair --home-node` (role
 * `home-node`), fetches the library root document once (so the daemon starts without the
 * other node), and writes `library.json`, `root.json` and, last, `membership.json`. No
 * library key is received: certificates and revocations stay with the node that created the
 * library, and this node can be revoked like a device.
 */
export async function joinLibrary(
  root: string,
  linkText: string,
  opts: JoinOptions = {},
): Promise<LibraryInfo> {
  const layout = dataDirLayout(root);
  // library.json alone is a join that did not finish (membership.json is written last): redo it.
  for (const p of [layout.libraryKey, layout.membershipJson])
    if (await exists(p))
      throw new DataDirError(
        'ALREADY_INITIALISED',
        `${root} already holds a library: a node joins with a fresh data dir (pass --data-dir <new dir>); this one stays as it is`,
      );
  let link;
  try {
    link = parsePairingLink(linkText.trim());
  } catch (e) {
    throw new JoinFailedError((e as HearthError).code ?? 'PAIRING_LINK_INVALID', (e as Error).message, {
      cause: e,
    });
  }
  await mkdir(root, { recursive: true, mode: 0o700 });
  const privateKey = await loadOrCreateDeviceKey(join(root, 'node.key'));
  const self = deviceIdOf(privateKey);
  const timeoutMs = opts.timeoutMs ?? 30_000;

  // 1. Pair, asking for the home-node role.
  let grant: PairingResult;
  const pairNode = await createPeerNode({ privateKey, listen: [], relayServer: false });
  try {
    grant = await pairWithCode(pairNode, link, {
      name: opts.name ?? hostname(),
      role: 'home-node',
      timeoutMs,
    });
  } catch (e) {
    const he = e as HearthError;
    // The sync package's advice names `hearth pair`; a joining node needs a home-node code.
    const message = (he.message ?? String(e)).replace('run `hearth pair`', 'run `hearth pair --home-node`');
    throw new JoinFailedError(he.code ?? 'PAIRING_FAILED', message, { cause: e });
  } finally {
    await pairNode.stop();
  }

  // 2. Fetch the root document once, trusting the node that paired us until it arrives.
  const accessCheck = createLibraryAccess({
    libraryPublicKey: grant.libraryPublicKey,
    trusted: [self, grant.homeNode],
  });
  const node = await createPeerNode({ privateKey, listen: [], access: accessCheck, relayServer: false });
  const adapter = new Libp2pNetworkAdapter({ node, access: accessCheck });
  const storage = createCatalogStorage(join(root, 'automerge'));
  const repo = new Repo({
    storage,
    network: [adapter],
    peerId: self as unknown as RepoPeerId,
  });
  let doc: RootDoc | undefined;
  try {
    const addrs = link.addrs.map((a) => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${link.peerId}`));
    await withTimeout(node.dial(addrs), timeoutMs, 'dialling the home node').catch((e: unknown) => {
      throw new JoinFailedError(
        'JOIN_UNREACHABLE',
        `paired, but the home node went away: ${(e as Error).message}`,
      );
    });
    const handle = await findDoc<RootDoc>(
      repo,
      grant.rootDocUrl as Parameters<typeof findDoc>[1],
      timeoutMs,
    ).catch((e: unknown) => {
      throw new JoinFailedError(
        'JOIN_NO_ROOT',
        `paired, but the library's root document did not arrive: ${(e as Error).message}; run \`hearth pair --home-node\` there and join again from a fresh data dir`,
      );
    });
    doc = handle.doc();
    if (doc?.libraryPublicKey !== grant.libraryPublicKey || !doc.devices[self])
      throw new JoinFailedError(
        'JOIN_BAD_ROOT',
        'the root document is not this library, or does not list this node',
      );
    // Only the root: the home node may have offered other documents, not all arrived.
    await repo.flush([handle.documentId]);
  } finally {
    await shutdownRepo(repo).catch(() => undefined);
    await storage.close(); // throttled saves may fire after shutdown: drop them
    await node.stop();
  }

  // 3. The files the node opens on start; membership.json last: it marks the join as done.
  const info: LibraryInfo = {
    id: libraryIdOf(grant.libraryPublicKey),
    publicKey: grant.libraryPublicKey,
    name: doc.name,
    createdAt: doc.createdAt,
  };
  await writeFileAtomic(layout.libraryJson, JSON.stringify(info, null, 2) + '\n');
  await writeFileAtomic(join(root, 'root.json'), JSON.stringify({ url: grant.rootDocUrl }) + '\n');
  for (const d of [layout.blobs, layout.catalog]) await mkdir(d, { recursive: true });
  const membership: Membership = {
    role: 'home-node',
    certificate: grant.certificate,
    homeNode: grant.homeNode,
    homeAddrs: link.addrs,
    rootDocUrl: grant.rootDocUrl,
    joinedAt: Date.now(),
  };
  // This node's own log (signed by its node key) starts with the join.
  await createHypercoreAuditLog(layout.audit, await nodeSigningKey(privateKey)).append('library.joined', {
    id: info.id,
    from: grant.homeNode,
  });
  await writeMembership(layout.membershipJson, membership);
  return info;
}
