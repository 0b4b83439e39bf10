import type { Libp2p, Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { encode } from 'cborg';
import type { LibraryAccess } from '../net/library-access.ts';
import { MAX_STATUS_FRAME, type NodeStatus } from './node-status.ts';
import { STATUS_PROTOCOL } from './status-protocol.ts';

/** Options of {@link createStatusServer}. */
export interface StatusServerOptions {
  node: Pick<Libp2p, 'handle' | 'unhandle'>;
  /** only paired, unrevoked devices are told anything */
  access: Pick<LibraryAccess, 'isPaired'>;
  /** the node's status now (called once per tick while someone watches) */
  status(): NodeStatus | Promise<NodeStatus>;
  /** how often to look for a change while someone watches (ms, default 500) */
  intervalMs?: number;
  /** at most this many watching streams (default 32); more are refused */
  maxWatchers?: number;
}

/** Serves `/hearth/status/1` on the home node. */
export interface StatusServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** streams open now */
  readonly watchers: number;
}

/**
 * The home node's side of `/hearth/status/1`. The status is computed only while at least one
 * device watches, once per tick for all of them, and sent only when it changed (its `at`
 * field aside). A stream from a peer that is not paired is closed unanswered.
 */
export function createStatusServer(options: StatusServerOptions): StatusServer {
  const { node, access } = options;
  const watchers = new Set<Stream>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let last: Uint8Array | undefined;
  let lastKey = '';
  let ticking = false;

  async function current(): Promise<Uint8Array | undefined> {
    const s = await options.status();
    const key = JSON.stringify({ ...s, at: 0 });
    if (key !== lastKey || !last) {
      const bytes = encode(s);
      if (bytes.byteLength > MAX_STATUS_FRAME) return last; // never send what a client must refuse
      lastKey = key;
      last = lp.encode.single(bytes).subarray();
      return last;
    }
    return undefined;
  }

  async function tick(): Promise<void> {
    if (ticking || watchers.size === 0) return;
    ticking = true;
    try {
      const frame = await current();
      if (frame) for (const s of watchers) send(s, frame);
    } catch {
      // A failing status source skips a tick; watchers keep the last frame.
    } finally {
      ticking = false;
    }
  }

  function send(stream: Stream, frame: Uint8Array): void {
    try {
      stream.send(frame);
    } catch {
      drop(stream);
    }
  }

  function drop(stream: Stream): void {
    watchers.delete(stream);
    if (watchers.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  async function handle(stream: Stream, connection: { remotePeer: { toString(): string } }): Promise<void> {
    if (!access.isPaired(connection.remotePeer.toString()) || watchers.size >= (options.maxWatchers ?? 32)) {
      stream.abort(new Error('not allowed'));
      return;
    }
    watchers.add(stream);
    timer ??= setInterval(() => void tick(), options.intervalMs ?? 500);
    try {
      // The newest frame at once, whether or not it changed since others got it.
      await current().catch(() => undefined);
      if (last) send(stream, last);
      // The device sends nothing; its side closing (or the connection going) ends the watch.
      for await (const chunk of stream) void chunk;
    } catch {
      // a reset stream is a closed one
    } finally {
      drop(stream);
      if (stream.status === 'open') await stream.close().catch(() => undefined);
    }
  }

  return {
    async start() {
      await node.handle(STATUS_PROTOCOL, handle, { maxInboundStreams: 4 });
    },
    async stop() {
      await node.unhandle(STATUS_PROTOCOL);
      for (const s of [...watchers]) {
        drop(s);
        s.abort(new Error('the home node is stopping'));
      }
    },
    get watchers() {
      return watchers.size;
    },
  };
}
