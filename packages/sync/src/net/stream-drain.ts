/**
 * Write backpressure on a libp2p stream: wait for a real `drain` before sending more.
 */
import type { Stream } from '@libp2p/interface';

/**
 * Resolves once the stream may take more bytes: at once when its buffer is not full (or the
 * stream is no longer open, so the caller's `send` reports that), else on its next `drain`;
 * rejects if the stream closes first.
 *
 * Not `stream.onDrain()`: in @libp2p/utils 7.4 its promise is made once per stream and never
 * renewed, so after the first drain it is always resolved and a writer never waits again —
 * its bytes pile up in the stream's write buffer however slowly the remote reads.
 */
export function drained(stream: Stream): Promise<void> {
  if (!stream.writableNeedsDrain || stream.status !== 'open') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const off = () => {
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
    };
    const onDrain = () => {
      off();
      resolve();
    };
    const onClose = (evt: Event) => {
      off();
      reject((evt as Event & { error?: Error }).error ?? new Error('stream closed while waiting to drain'));
    };
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
  });
}
