import { Duplex } from 'node:stream';
import type { Stream } from '@libp2p/interface';

/**
 * A libp2p stream as a Node Duplex (what hypercore's replication pipes into), with
 * backpressure both ways: writes wait for the stream's drain, reads are pushed as they come.
 */
export function streamToDuplex(stream: Stream): Duplex {
  const d = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      if (stream.send(chunk)) return cb();
      stream.onDrain().then(() => cb(), cb);
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
