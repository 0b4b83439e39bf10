/**
 * One outbound `/hearth/blob/2` stream to a peer, with pipelined requests: answers come
 * back in request order, so each is matched to the oldest pending request. Requests made in
 * the same turn (a fetch refilling its window, many fetches starting) go out in one write.
 */
import type { Stream } from '@libp2p/interface';
import {
  MAX_FRAME,
  decodeResponse,
  encodeFrame,
  type BlobRequest,
  type BlobResponse,
} from './blob-protocol.ts';
import { BlobPeerError, BlobProtocolError } from './errors.ts';
import { drained } from '../net/stream-drain.ts';
import { joinFrames, readFrameLists } from './frame-stream.ts';

/** Requests in flight on one stream. */
export interface BlobSession {
  readonly peer: string;
  readonly pending: number;
  readonly closed: boolean;
  request(req: RequestBody): Promise<BlobResponse>;
  close(): void;
}

/** A request before the session numbers it. */
export type RequestBody = BlobRequest extends infer R
  ? R extends BlobRequest
    ? Omit<R, 'id'>
    : never
  : never;

type Pending = { id: number; resolve: (r: BlobResponse) => void; reject: (e: Error) => void };

export function createBlobSession(peer: string, stream: Stream): BlobSession {
  const queue: Pending[] = [];
  let nextId = 0;
  let closed = false;
  let failure: Error | undefined;
  // Requests not yet written, in order, and the writes so far (one after another).
  let outbox: Uint8Array[] = [];
  let writing = Promise.resolve();

  // Stream errors (reset, closed, write after close) differ only by timing: report them
  // as one kind, so callers (and unpaired askers) see the same thing whatever the race.
  const fail = (e: Error) => {
    if (!failure) failure = e instanceof BlobProtocolError ? e : new BlobPeerError(peer, { cause: e });
    closed = true;
    for (const p of queue.splice(0)) p.reject(failure);
    if (stream.status === 'open') stream.abort(failure);
  };

  void (async () => {
    try {
      for await (const frame of readFrameLists(stream, MAX_FRAME)) {
        const res = decodeResponse(frame);
        const head = queue.shift();
        if (!head || head.id !== res.id)
          throw new BlobProtocolError(`answer ${res.id} does not match a pending request`);
        head.resolve(res);
      }
      fail(new BlobPeerError(peer));
    } catch (e) {
      fail(e instanceof Error ? e : new Error(String(e)));
    }
  })();

  const flush = () => {
    const frames = outbox;
    outbox = [];
    writing = writing
      .then(async () => {
        if (closed) return; // failed or closed: the requests were (or will be) rejected
        await drained(stream);
        stream.send(joinFrames(frames));
      })
      .catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
  };

  return {
    peer,
    get pending() {
      return queue.length;
    },
    get closed() {
      return closed;
    },
    async request(req) {
      if (closed) throw failure ?? new BlobPeerError(peer);
      const id = nextId++;
      const frame = encodeFrame({ ...req, id } as BlobRequest);
      const p = new Promise<BlobResponse>((resolve, reject) => queue.push({ id, resolve, reject }));
      // Requests are small (CBOR, ≤ MAX_REQUEST_FRAME): never a list.
      outbox.push(frame instanceof Uint8Array ? frame : frame.subarray());
      if (outbox.length === 1) queueMicrotask(flush);
      return p;
    },
    close() {
      if (closed) return;
      closed = true;
      stream.close().catch(() => stream.abort(new Error('close failed')));
    },
  };
}
