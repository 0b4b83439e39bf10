import { NetworkAdapter, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo';
import type { Connection, Libp2p, PeerId as Libp2pPeerId, Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { AdapterReadiness } from './adapter-readiness.ts';
import { AUTOMERGE_PROTOCOL, decodeFrame, encodeFrame } from './automerge-frames.ts';
import { newLink, type Link } from './automerge-link.ts';
import { ReopenBackoff } from './reopen-backoff.ts';
import type { PeerAccess } from './peer-access.ts';
import { drained } from './stream-drain.ts';

/** What the adapter needs from a libp2p node. */
export type AdapterNode = Pick<
  Libp2p,
  'handle' | 'unhandle' | 'dialProtocol' | 'getConnections' | 'addEventListener' | 'removeEventListener'
>;

/** Options of {@link Libp2pNetworkAdapter}. */
export interface Libp2pNetworkAdapterOptions {
  node: AdapterNode;
  access: PeerAccess;
  /** Largest frame accepted or sent (default 32 MiB); a peer sending a bigger one is dropped. */
  maxFrameBytes?: number;
  /**
   * `whenReady` resolves once a link is up to every paired peer connected when the repo
   * connected (to the first peer, when there were none), or after this many ms, so an
   * offline device still loads its documents from storage (default 1000).
   */
  readyTimeoutMs?: number;
  /** Told why a peer was dropped (malformed frame, oversize, access); for logs. */
  onDrop?: (peer: string, reason: string) => void;
}

export const DEFAULT_MAX_FRAME = 32 * 1024 * 1024;
const MAX_REOPEN = 6;
/** frames kept while the outbound stream opens */
const MAX_QUEUED = 10_000;

/**
 * automerge-repo over libp2p: length-prefixed CBOR frames on `/hearth/automerge/1`.
 * Both directions check {@link PeerAccess} first; an unpaired peer's stream is closed
 * before anything is read, so it cannot even learn whether a document exists.
 */
export class Libp2pNetworkAdapter extends NetworkAdapter {
  readonly #node: AdapterNode;
  readonly #access: PeerAccess;
  readonly #maxFrame: number;
  readonly #readyTimeoutMs: number;
  readonly #onDrop: ((peer: string, reason: string) => void) | undefined;
  readonly #links = new Map<string, Link>();
  readonly #byRepoPeer = new Map<PeerId, string>();
  #connected = false;
  readonly #readiness = new AdapterReadiness();
  #unsubscribe: (() => void) | undefined;
  readonly #peerWaiters = new Map<string, Set<() => void>>();
  /** reopen attempts per peer since its last good link, and their timers */
  readonly #retries = new ReopenBackoff(MAX_REOPEN);

  constructor(options: Libp2pNetworkAdapterOptions) {
    super();
    this.#node = options.node;
    this.#access = options.access;
    this.#maxFrame = options.maxFrameBytes ?? DEFAULT_MAX_FRAME;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 1000;
    this.#onDrop = options.onDrop;
  }

  isReady(): boolean {
    return this.#readiness.ready;
  }

  whenReady(): Promise<void> {
    return this.#readiness.whenReady();
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    this.#connected = true;
    this.#readiness.startTimer(this.#readyTimeoutMs);
    this.#node
      .handle(AUTOMERGE_PROTOCOL, (stream, connection) => this.#accept(stream, connection), {
        maxInboundStreams: 4,
        maxOutboundStreams: 4,
      })
      .then(() => {
        const paired = this.#node
          .getConnections()
          .filter((c) => this.#access.isPaired(c.remotePeer.toString()));
        this.#readiness.waitFor(
          paired.map((c) => c.remotePeer.toString()),
          (remote) => this.#links.get(remote)?.repoPeer !== undefined,
        );
        for (const c of paired) this.#open(c.remotePeer);
      })
      .catch((e: unknown) => this.#onDrop?.('*', `cannot handle ${AUTOMERGE_PROTOCOL}: ${String(e)}`));
    this.#node.addEventListener('peer:connect', this.#onPeerConnect);
    this.#node.addEventListener('peer:disconnect', this.#onPeerDisconnect);
    this.#unsubscribe = this.#access.onRevoked((peer) => this.#drop(peer, 'revoked'));
  }

  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#node.removeEventListener('peer:connect', this.#onPeerConnect);
    this.#node.removeEventListener('peer:disconnect', this.#onPeerDisconnect);
    this.#unsubscribe?.();
    this.#node.unhandle(AUTOMERGE_PROTOCOL).catch(() => {});
    for (const remote of [...this.#links.keys()]) this.#teardown(remote);
    this.#retries.clear();
    this.emit('close');
  }

  send(message: Message): void {
    if (!this.#connected) return;
    const remote = this.#byRepoPeer.get(message.targetId);
    const link = remote === undefined ? undefined : this.#links.get(remote);
    if (!link) return;
    const frame = encodeFrame({ t: 'msg', m: message });
    if (frame.length > this.#maxFrame) {
      // The peer would drop us for it; skipping one message lets sync retry in smaller steps.
      this.#onDrop?.(
        link.remote,
        `outgoing ${message.type} of ${frame.length} bytes exceeds the frame limit`,
      );
      return;
    }
    this.#write(link, frame);
  }

  /**
   * Resolves once the libp2p peer `remote` has an announced automerge link (its repo is a
   * sync partner), e.g. before `repo.find` of a document only that peer has.
   */
  whenPeer(remote: string): Promise<void> {
    if (this.#links.get(remote)?.repoPeer !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.#peerWaiters.get(remote);
      if (!set) this.#peerWaiters.set(remote, (set = new Set()));
      set.add(resolve);
    });
  }

  /** Opens outbound links to connected peers that have become paired since they connected. */
  refresh(): void {
    if (!this.#connected) return;
    for (const c of this.#node.getConnections()) this.#open(c.remotePeer);
  }

  readonly #onPeerConnect = (evt: CustomEvent<Libp2pPeerId>): void => this.#open(evt.detail);
  readonly #onPeerDisconnect = (evt: CustomEvent<Libp2pPeerId>): void => {
    const remote = evt.detail.toString();
    this.#retries.reset(remote);
    this.#teardown(remote, false);
  };

  #link(remote: string): Link {
    let link = this.#links.get(remote);
    if (!link) {
      link = newLink(remote);
      this.#links.set(remote, link);
    }
    return link;
  }

  /**
   * Opens the outbound stream to `peer`, on `via` when given (the connection its hello came
   * on), else on its newest open connection: libp2p's `dialProtocol` takes the oldest, which
   * may be one that died half-open (the remote went offline and redialled, and no close
   * reached us), so everything written to it would be lost until a keep-alive gives up.
   */
  #open(peer: Libp2pPeerId, via?: Connection): void {
    const remote = peer.toString();
    if (!this.#connected || !this.#access.isPaired(remote)) return;
    const link = this.#link(remote);
    if (link.outbound || link.opening) return;
    link.opening = true;
    const epoch = link.epoch;
    const conn =
      via ??
      this.#node
        .getConnections(peer)
        .filter((c) => c.status === 'open' && c.limits === undefined)
        .sort((x, y) => y.timeline.open - x.timeline.open)[0];
    (conn ? conn.newStream(AUTOMERGE_PROTOCOL) : this.#node.dialProtocol(peer, AUTOMERGE_PROTOCOL))
      .then((stream) => {
        if (link.epoch !== epoch) {
          stream.abort(new Error('the peer started a new link'));
          return;
        }
        link.opening = false;
        if (this.#links.get(remote) !== link || !this.#connected || !this.#access.isPaired(remote)) {
          stream.abort(new Error('link gone'));
          return;
        }
        link.outbound = stream;
        const hello = encodeFrame({
          t: 'hello',
          peerId: this.peerId as PeerId,
          meta: this.peerMetadata ?? {},
        });
        link.queue.unshift(hello);
        const queued = link.queue.splice(0);
        for (const f of queued) this.#write(link, f);
        void this.#watchOutbound(link, stream);
      })
      .catch(() => {
        if (link.epoch !== epoch) return;
        // The remote does not (yet) speak the protocol or refused us (it may not know we
        // are paired yet): try again a few times; its own stream also makes us retry.
        link.opening = false;
        if (!link.inbound && !link.outbound) this.#links.delete(remote);
        this.#readiness.settle(remote, false);
        this.#scheduleReopen(remote);
      });
  }

  /** The outbound stream carries nothing back; its end means the remote went away. */
  async #watchOutbound(link: Link, stream: Stream): Promise<void> {
    try {
      for await (const _ of stream) this.#drop(link.remote, 'data on a write-only stream');
    } catch {
      // aborted: handled below
    }
    if (link.outbound === stream) this.#teardown(link.remote);
  }

  #write(link: Link, frame: Uint8Array): void {
    const stream = link.outbound;
    if (!stream) {
      if (link.queue.length >= MAX_QUEUED) return this.#drop(link.remote, 'outbound stream never opened');
      link.queue.push(frame);
      return;
    }
    link.writing = link.writing.then(async () => {
      if (link.outbound !== stream || stream.writeStatus !== 'writable') return;
      try {
        await drained(stream);
        stream.send(lp.encode.single(frame));
      } catch {
        this.#teardown(link.remote);
      }
    });
  }

  async #accept(stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString();
    if (!this.#connected || !this.#access.isPaired(remote)) {
      // Nothing is read and nothing is said: the same for a stranger asking for a real
      // document and for one asking for a random URL.
      stream.abort(new Error('not paired'));
      return;
    }
    const link = this.#link(remote);
    if (link.inbound) {
      link.inbound.abort(new Error('replaced by a newer stream'));
    }
    link.inbound = stream;
    try {
      let hello = false;
      for await (const chunk of lp.decode(stream, { maxDataLength: this.#maxFrame })) {
        if (link.inbound !== stream) return;
        if (!this.#access.isPaired(remote)) return this.#drop(remote, 'no longer paired');
        const frame = decodeFrame(chunk.subarray());
        if (typeof frame === 'string') return this.#drop(remote, frame);
        if (frame.t === 'hello') {
          if (hello) return this.#drop(remote, 'second hello');
          hello = true;
          this.#announce(link, frame.peerId, frame.meta, connection);
          continue;
        }
        if (!hello || !link.repoPeer) return this.#drop(remote, 'message before hello');
        // The sender is who the connection says it is, whatever the frame claims.
        const m: Message = { ...frame.m, senderId: link.repoPeer };
        if (m.targetId !== this.peerId) continue;
        this.emit('message', m);
      }
    } catch (e) {
      if (link.inbound === stream) this.#drop(remote, `stream failed: ${(e as Error).message}`);
      return;
    }
    if (link.inbound === stream) this.#teardown(remote);
  }

  #announce(link: Link, repoPeer: PeerId, meta: PeerMetadata, connection: Connection): void {
    const previous = this.#byRepoPeer.get(repoPeer);
    if (previous !== undefined && previous !== link.remote) {
      // Another connected device already is this repo peer: a claim cannot take it over.
      this.#drop(link.remote, `repo peer id ${repoPeer} is taken by ${previous}`);
      return;
    }
    if (link.repoPeer !== undefined) this.#restart(link);
    link.repoPeer = repoPeer;
    this.#byRepoPeer.set(repoPeer, link.remote);
    this.#open(connection.remotePeer, connection);
    this.#readiness.settle(link.remote, true);
    this.#retries.reset(link.remote);
    this.emit('peer-candidate', { peerId: repoPeer, peerMetadata: meta });
    const waiters = this.#peerWaiters.get(link.remote);
    this.#peerWaiters.delete(link.remote);
    for (const w of waiters ?? []) w();
  }

  /**
   * A peer already announced said hello on a new stream: its side of the link started over
   * (it lost its connection and redialled, or its link failed), so it no longer reads the
   * stream we write to, and whatever we sent lately may be lost. Our outbound stream is
   * dropped (a new one opens on the hello's connection) and automerge-repo is told the peer
   * left, so it syncs from a fresh sync state with the returning peer instead of assuming
   * the peer has what was sent into the dead stream (automerge-repo's own WebSocket server
   * adapter does the same on a second join: close the old socket, peer-disconnected, then
   * peer-candidate).
   */
  #restart(link: Link): void {
    const { outbound, repoPeer } = link;
    link.epoch++;
    link.opening = false;
    link.outbound = undefined;
    link.queue.length = 0;
    outbound?.abort(new Error('the peer started a new link'));
    if (repoPeer !== undefined && this.#byRepoPeer.get(repoPeer) === link.remote) {
      this.#byRepoPeer.delete(repoPeer);
      this.emit('peer-disconnected', { peerId: repoPeer });
    }
    link.repoPeer = undefined;
  }

  #drop(remote: string, reason: string): void {
    if (!this.#links.has(remote)) return;
    this.#onDrop?.(remote, reason);
    this.#teardown(remote, false);
  }

  /**
   * Links can fail while the connection lives on: both sides opening while one of them
   * does not yet know the other is paired, or a stream reset. Then try again a few times
   * with backoff; later changes (a newly paired peer) reopen links through `refresh` or
   * the remote's own stream.
   */
  #scheduleReopen(remote: string): void {
    if (!this.#connected || !this.#access.isPaired(remote)) return;
    const conn = this.#node
      .getConnections()
      .find((c) => c.remotePeer.toString() === remote && c.status === 'open');
    if (!conn) return;
    this.#retries.schedule(remote, () => this.#open(conn.remotePeer));
  }

  #teardown(remote: string, reopen = true): void {
    const link = this.#links.get(remote);
    if (!link) return;
    this.#links.delete(remote);
    link.queue.length = 0;
    const { inbound, outbound, repoPeer } = link;
    link.inbound = undefined;
    link.outbound = undefined;
    inbound?.abort(new Error('automerge link closed'));
    outbound?.abort(new Error('automerge link closed'));
    if (repoPeer !== undefined && this.#byRepoPeer.get(repoPeer) === remote) {
      this.#byRepoPeer.delete(repoPeer);
      this.emit('peer-disconnected', { peerId: repoPeer });
    }
    if (reopen) this.#scheduleReopen(remote);
  }
}
