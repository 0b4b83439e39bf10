/** A libp2p stream's incoming data as an async iterable that always sees the stream end. */
import type { Stream } from '@libp2p/interface';
import type { Uint8ArrayList } from 'uint8arraylist';

/**
 * The data `stream` receives, ending when the remote has closed its write side and everything
 * buffered was delivered (or with the error that closed the stream).
 *
 * Why not `for await (… of stream)`: @libp2p/utils 7's iterator starts listening for the
 * remote's close (`remoteCloseWrite`) only when iteration starts. A remote that writes its
 * whole answer and closes before then (a fast server, right after the protocol is
 * negotiated) leaves its data buffered and its close unheard: the iterator delivers the data
 * and then waits until the stream itself closes (seen: about a minute, intermittently, in
 * catalog snapshots). Here the end is also taken from the stream's `end` event and its state.
 */
export function streamSource(
  stream: Stream | AsyncIterable<Uint8Array | Uint8ArrayList>,
): AsyncIterable<Uint8Array | Uint8ArrayList> {
  // A plain iterable (a stand-in dialer's answer) ends by itself.
  if (!('addEventListener' in stream)) return stream;
  return {
    [Symbol.asyncIterator]() {
      const queue: (Uint8Array | Uint8ArrayList)[] = [];
      let ended = false;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const onMessage = (evt: Event) => {
        queue.push((evt as Event & { data: Uint8Array | Uint8ArrayList }).data);
        notify();
      };
      const onEnd = () => {
        ended = true;
        notify();
      };
      const onClose = (evt: Event) => {
        failure ??= (evt as Event & { error?: Error }).error;
        onEnd();
      };
      const off = () => {
        stream.removeEventListener('message', onMessage);
        stream.removeEventListener('end', onEnd);
        stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite);
        stream.removeEventListener('close', onClose);
      };
      // The remote closed: done once nothing is left buffered (the buffer is delivered first).
      const onRemoteCloseWrite = () => {
        if (stream.readBufferLength === 0) onEnd();
      };
      // End listeners first: adding the message listener delivers buffered data (and then
      // `end`) in a microtask.
      stream.addEventListener('end', onEnd);
      stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite);
      stream.addEventListener('close', onClose);
      stream.addEventListener('message', onMessage);
      if (stream.readableEnded || (stream.status !== 'open' && stream.readBufferLength === 0)) ended = true;

      return {
        async next(): Promise<IteratorResult<Uint8Array | Uint8ArrayList>> {
          for (;;) {
            const value = queue.shift();
            if (value !== undefined) return { value, done: false };
            if (ended) {
              off();
              if (failure) throw failure;
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async return(): Promise<IteratorResult<Uint8Array | Uint8ArrayList>> {
          ended = true;
          queue.length = 0;
          off();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
