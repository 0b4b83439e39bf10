import { Duplex } from 'node:stream';
import type { Stream } from '@libp2p/interface';
import { drained } from '@hearth/sync';

/**
 * A libp2p stream as a Node Duplex (what hypercore's replication pipes into), with
 * backpressure both ways: writes wait for the stream's drain, reads are pushed as they come.
 */
export function streamToDuplex(stream: Stream): Duplex {
  const d = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      try {
        if (stream.send(chunk)) return cb();
      } catch (err) {
        // The peer went away (its node stopped) between two writes: send throws.
        return cb(err as Error);
      }
      // Not `stream.onDrain()`: it stops waiting after the first drain (see `drained`).
      drained(stream).then(() => cb(), cb);
    },
    final(cb) {
      stream.close().then(() => cb(), cb);
    },
    read() {},
    destroy(err, cb) {
      if (err) stream.abort(err);
      cb(err);
    },
  });
  // A broken stream ends the replication piped through it (the pipe sees the close); left
  // unheard, the 'error' event would take the whole daemon down (a second home node did, when
  // the first stopped mid-pull).
  d.on('error', () => undefined);
  void (async () => {
    try {
      for await (const c of stream) d.push(Buffer.from(c.subarray()));
      d.push(null);
    } catch (err) {
      d.destroy(err as Error);
    }
  })();
  return d;
}
