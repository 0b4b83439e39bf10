/**
 * One outbound `/hearth/blob/2` stream to a peer, with pipelined requests: answers come
 * back in request order, so each is matched to the oldest pending request.
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
import { readFrameLists, sendFrame } from './frame-stream.ts';

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
      const full = { ...req, id } as BlobRequest;
      const p = new Promise<BlobResponse>((resolve, reject) => queue.push({ id, resolve, reject }));
      try {
        await sendFrame(stream, encodeFrame(full));
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
      return p;
    },
    close() {
      if (closed) return;
      closed = true;
      stream.close().catch(() => stream.abort(new Error('close failed')));
    },
  };
}
