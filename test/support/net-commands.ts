import {
  isValidAutomergeUrl,
  parseAutomergeUrl,
  type AutomergeUrl,
  type DocHandle,
} from '@automerge/automerge-repo';
import {
  AUTOMERGE_PROTOCOL,
  asDeviceId,
  createLibraryAccess,
  createPairingCodes,
  createPairingServer,
  encodePairingLink,
  findDoc,
  generateLibraryKey,
  issueCertificate,
  issueRevocation,
  pairWithCode,
  parsePairingLink,
  withTimeout,
  type RootDoc,
} from '@hearth/sync';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { encode } from 'cborg';
import * as lp from 'it-length-prefixed';
import type { CommandHandler, PeerContext } from './peer-context.ts';

const str = (args: Record<string, unknown>, k: string): string => {
  const v = args[k];
  if (typeof v !== 'string') throw new Error(`argument ${k} must be a string`);
  return v;
};

/**
 * Reads a document. With `wait`, waits for it to arrive (a paired device); without, takes
 * automerge-repo's own verdict, which is what an outsider sees.
 */
async function readDoc(
  ctx: PeerContext,
  url: string,
  timeoutMs: number,
  wait: boolean,
): Promise<{ found: boolean; doc?: unknown }> {
  if (!isValidAutomergeUrl(url)) throw new Error(`not an automerge url: ${url}`);
  if (wait) return { found: true, doc: (await findDoc(ctx.repo, url, timeoutMs)).doc() };
  const abort = new AbortController();
  try {
    const h = await withTimeout(ctx.repo.find(url, { signal: abort.signal }), timeoutMs, `find ${url}`);
    return { found: true, doc: h.doc() };
  } catch (e) {
    abort.abort();
    return { found: false, doc: (e as Error).message };
  }
}

/** Commands for identity, pairing, access and plain document sync. */
export const netCommands: Record<string, CommandHandler> = {
  async info(ctx) {
    return {
      peerId: ctx.node.peerId.toString(),
      addrs: ctx.node.getMultiaddrs().map(String),
      rootUrl: ctx.root?.url,
      libraryPublicKey: ctx.libraryKey?.publicKey ?? ctx.extra['libraryPublicKey'],
    };
  },

  /** Home node: a new library whose root document certifies this node. */
  async 'init-library'(ctx, args) {
    const key = await generateLibraryKey();
    const self = asDeviceId(ctx.node.peerId.toString());
    const cert = await issueCertificate(key, { deviceId: self, name: ctx.name, role: 'home-node' });
    const root = ctx.repo.create<RootDoc>({
      schema: 1,
      libraryId: key.id,
      libraryPublicKey: key.publicKey,
      name: typeof args['name'] === 'string' ? args['name'] : 'Test library',
      createdAt: Date.now(),
      devices: { [self]: cert },
      revocations: {},
      shards: {},
      albums: {},
      settings: {},
    });
    ctx.libraryKey = key;
    const library = createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [self] });
    await library.update(root.doc());
    ctx.useLibrary(library, root);
    const codes = createPairingCodes({ now: () => Date.now() + ctx.clockSkewMs });
    ctx.codes = codes;
    await createPairingServer({
      node: ctx.node,
      codes,
      async admit({ deviceId, name }) {
        const certificate = await issueCertificate(key, {
          deviceId: asDeviceId(deviceId),
          name,
          role: 'device',
        });
        root.change((d) => {
          d.devices[deviceId] = certificate;
        });
        // Admit before answering, so the device's first sync stream is accepted.
        await library.update(root.doc());
        ctx.adapter.refresh();
        return { certificate, rootDocUrl: root.url, libraryPublicKey: key.publicKey };
      },
      onAttempt: (e) => ctx.emit('pair-attempt', { ...e }),
    }).start();
    return { rootUrl: root.url, libraryPublicKey: key.publicKey, libraryId: key.id };
  },

  async 'issue-code'(ctx) {
    if (!ctx.codes) throw new Error('not a home node: run init-library first');
    const { code, expiresAt } = ctx.codes.issue();
    const addrs = ctx.node.getMultiaddrs().map(String);
    return { code, expiresAt, link: encodePairingLink({ code, peerId: ctx.node.peerId.toString(), addrs }) };
  },

  async 'advance-clock'(ctx, args) {
    ctx.clockSkewMs += Number(args['ms']);
    return ctx.clockSkewMs;
  },

  /** Device: pair with the home node named in a link (optionally with another code). */
  async pair(ctx, args) {
    const link = parsePairingLink(str(args, 'link'));
    if (typeof args['code'] === 'string') link.code = args['code'];
    const res = await pairWithCode(ctx.node, link, { name: ctx.name });
    const library = createLibraryAccess({
      libraryPublicKey: res.libraryPublicKey,
      trusted: [res.homeNode, ctx.node.peerId.toString()],
    });
    ctx.extra['libraryPublicKey'] = res.libraryPublicKey;
    if (!isValidAutomergeUrl(res.rootDocUrl)) throw new Error('home node sent a bad root url');
    // The home node is trusted from here on, so the root document can sync.
    ctx.access.use(library);
    ctx.adapter.refresh();
    await withTimeout(ctx.adapter.whenPeer(res.homeNode), 20_000, 'sync link to the home node');
    const root = await findDoc<RootDoc>(ctx.repo, res.rootDocUrl, 20_000);
    ctx.useLibrary(library, root);
    return {
      certificate: res.certificate,
      rootDocUrl: res.rootDocUrl,
      libraryPublicKey: res.libraryPublicKey,
    };
  },

  async revoke(ctx, args) {
    if (!ctx.libraryKey || !ctx.root) throw new Error('not a home node');
    const rev = await issueRevocation(ctx.libraryKey, asDeviceId(str(args, 'deviceId')));
    ctx.root.change((d) => {
      d.revocations[rev.deviceId] = rev;
    });
    return { revokedAt: rev.revokedAt };
  },

  /** Waits until the automerge link to a libp2p peer is up (both sides paired). */
  async 'wait-sync-peer'(ctx, args) {
    await withTimeout(
      ctx.adapter.whenPeer(str(args, 'peer')),
      Number(args['timeoutMs'] ?? 20_000),
      'sync link',
    );
    return true;
  },

  async dial(ctx, args) {
    const addr = multiaddr(str(args, 'addr'));
    const conn = await withTimeout(ctx.node.dial(addr), 10_000, `dial ${addr.toString()}`);
    return { peer: conn.remotePeer.toString() };
  },

  async connections(ctx) {
    return ctx.node.getConnections().map((c) => c.remotePeer.toString());
  },

  async 'create-doc'(ctx, args) {
    const h = ctx.repo.create<Record<string, unknown>>((args['content'] ?? {}) as Record<string, unknown>);
    return { url: h.url };
  },

  async 'change-doc'(ctx, args) {
    const h = await findDoc<Record<string, unknown>>(ctx.repo, str(args, 'url') as AutomergeUrl, 20_000);
    const set = (args['set'] ?? {}) as Record<string, unknown>;
    h.change((d) => {
      for (const [k, v] of Object.entries(set)) d[k] = v;
    });
    return { heads: h.heads() };
  },

  async 'read-doc'(ctx, args) {
    return readDoc(ctx, str(args, 'url'), Number(args['timeoutMs'] ?? 3000), args['wait'] === true);
  },

  /** Waits (on change events) until a document's top-level `field` equals `equals`. */
  async 'wait-doc'(ctx, args) {
    const url = str(args, 'url') as AutomergeUrl;
    const field = str(args, 'field');
    const want = JSON.stringify(args['equals']);
    const h: DocHandle<Record<string, unknown>> = await findDoc(ctx.repo, url, 20_000);
    const matches = (): boolean => JSON.stringify(h.doc()?.[field]) === want;
    if (!matches())
      await withTimeout(
        new Promise<void>((resolve) => {
          const l = (): void => {
            if (matches()) {
              h.off('change', l);
              resolve();
            }
          };
          h.on('change', l);
        }),
        Number(args['timeoutMs'] ?? 20_000),
        `${url}.${field} = ${want}`,
      );
    return h.doc();
  },

  /** Waits until the root document lists `deviceId` in `key` (devices or revocations). */
  async 'wait-root'(ctx, args) {
    const root = ctx.root;
    if (!root) throw new Error('no library yet');
    const key = str(args, 'key') as 'devices' | 'revocations';
    const id = str(args, 'deviceId');
    const has = (): boolean => Boolean(root.doc()?.[key]?.[id]);
    if (!has())
      await withTimeout(
        new Promise<void>((resolve) => {
          const l = (): void => {
            if (has()) {
              root.off('change', l);
              resolve();
            }
          };
          root.on('change', l);
        }),
        Number(args['timeoutMs'] ?? 20_000),
        `root ${key}[${id}]`,
      );
    return true;
  },

  /**
   * Speaks `/hearth/automerge/1` by hand: a hello, then a request for `documentId`, and
   * reports every byte that comes back until the stream ends. What an outsider learns.
   */
  async 'probe-automerge'(ctx, args) {
    const peer = peerIdFromString(str(args, 'peer'));
    const documentId = parseAutomergeUrl(str(args, 'url') as AutomergeUrl).documentId;
    let stream;
    try {
      stream = await ctx.node.dialProtocol(peer, AUTOMERGE_PROTOCOL);
    } catch (e) {
      return { opened: false, bytes: 0, error: (e as Error).name };
    }
    const me = ctx.node.peerId.toString();
    let bytes = 0;
    let error: string | undefined;
    try {
      stream.send(lp.encode.single(encode({ t: 'hello', peerId: me, meta: {} })));
      stream.send(
        lp.encode.single(
          encode({
            t: 'msg',
            m: {
              type: 'request',
              senderId: me,
              targetId: str(args, 'peer'),
              documentId,
              data: new Uint8Array([0x42, 0x00]),
            },
          }),
        ),
      );
    } catch (e) {
      error = (e as Error).name;
    }
    try {
      await withTimeout(
        (async () => {
          for await (const chunk of stream) bytes += chunk.byteLength;
        })(),
        5000,
        'probe stream end',
      );
    } catch (e) {
      error ??= (e as Error).name;
    }
    return { opened: true, bytes, closed: stream.status !== 'open', error };
  },
};
