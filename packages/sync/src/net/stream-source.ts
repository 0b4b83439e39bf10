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
      // Nothing more will come once the remote closed its write side (or the stream is done) and
      // the stream holds nothing undelivered. Not `readableEnded` alone: multistream-select can
      // read the whole answer and the close while negotiating, fire `end`, and then put the
      // bytes it over-read back (seen under load: `readableEnded` true with 50 KB buffered).
      const drained = () =>
        stream.readBufferLength === 0 &&
        (stream.remoteWriteStatus === 'closed' || stream.readableEnded || stream.status !== 'open');
      const onMessage = (evt: Event) => {
        queue.push((evt as Event & { data: Uint8Array | Uint8ArrayList }).data);
        // The stream takes the bytes out of its buffer before it dispatches them: if the remote is
        // done, this was the last message (no `end` follows when it already fired).
        if (drained()) ended = true;
        notify();
      };
      const onEnd = () => {
        if (stream.readBufferLength > 0) return; // the message listener delivers it first
        ended = true;
        notify();
      };
      const onClose = (evt: Event) => {
        const error = (evt as Event & { error?: Error }).error;
        if (error) {
          failure ??= error;
          ended = true;
          notify();
        } else onEnd();
      };
      const off = () => {
        stream.removeEventListener('message', onMessage);
        stream.removeEventListener('end', onEnd);
        stream.removeEventListener('remoteCloseWrite', onEnd);
        stream.removeEventListener('close', onClose);
      };
      // End listeners first: adding the message listener delivers buffered data in a microtask.
      stream.addEventListener('end', onEnd);
      stream.addEventListener('remoteCloseWrite', onEnd);
      stream.addEventListener('close', onClose);
      stream.addEventListener('message', onMessage);
      if (drained()) ended = true;

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
