import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import * as lp from 'it-length-prefixed';
import { decode } from 'cborg';
import { ProtocolViolationError } from '../net/errors.ts';
import { MAX_STATUS_FRAME, parseNodeStatus, type NodeStatus } from './node-status.ts';
import { STATUS_PROTOCOL } from './status-protocol.ts';

/**
 * Watches the home node's status over `/hearth/status/1`: calls `onStatus` with each frame
 * until `signal` aborts or the stream ends (the connection went, or the node stopped), then
 * resolves (a node that refuses an unpaired device resets the stream: no frame, resolved).
 * Rejects when the node cannot be reached, and with ProtocolViolationError on a malformed or
 * oversized frame. Callers watch again after they reconnect.
 */
export async function watchNodeStatus(
  node: Pick<Libp2p, 'dialProtocol'>,
  home: PeerId | string,
  onStatus: (status: NodeStatus) => void,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const peer = typeof home === 'string' ? peerIdFromString(home) : home;
  const stream = await node.dialProtocol(
    peer,
    STATUS_PROTOCOL,
    options.signal ? { signal: options.signal } : {},
  );
  const stop = () => void stream.close().catch(() => stream.abort(new Error('watch stopped')));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of lp.decode(stream, { maxDataLength: MAX_STATUS_FRAME })) {
      let status;
      try {
        status = parseNodeStatus(decode(chunk.subarray()));
      } catch {
        status = undefined;
      }
      if (!status) throw new ProtocolViolationError(STATUS_PROTOCOL, 'malformed status frame');
      onStatus(status);
    }
  } catch (e) {
    if (options.signal?.aborted) return;
    stream.abort(e instanceof Error ? e : new Error(String(e)));
    if (e instanceof ProtocolViolationError) throw e;
    // A length over the limit is the peer's fault, too.
    if (/max.*length|too long/i.test(String((e as Error)?.message)))
      throw new ProtocolViolationError(STATUS_PROTOCOL, 'oversized status frame');
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
