/**
 * The benchmark anchor: a bare libp2p stream (same transport, Noise, yamux) moving N bytes
 * in 1 MiB writes with backpressure, with no framing, hashing or storage.
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';

export const RAW_PROTOCOL = '/hearth-bench/raw/1';
const PIECE = new Uint8Array(1024 * 1024).fill(0x5a);

export async function serveRaw(node: Libp2p): Promise<void> {
  await node.handle(RAW_PROTOCOL, async (stream: Stream) => {
    let want = -1;
    for await (const c of stream) {
      want = new DataView(c.subarray().buffer, c.subarray().byteOffset).getFloat64(0);
      break;
    }
    for (let sent = 0; sent < want;) {
      const n = Math.min(PIECE.length, want - sent);
      if (stream.writableNeedsDrain) await stream.onDrain();
      stream.send(PIECE.subarray(0, n));
      sent += n;
    }
    await stream.close();
  });
}

/** Pulls `bytes` from the peer; resolves with the elapsed milliseconds. */
export async function rawPull(
  node: Libp2p,
  peer: PeerId,
  bytes: number,
): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const stream = await node.dialProtocol(peer, RAW_PROTOCOL);
  const req = new Uint8Array(8);
  new DataView(req.buffer).setFloat64(0, bytes);
  stream.send(req);
  let got = 0;
  for await (const c of stream) {
    got += c.byteLength;
    if (got >= bytes) break;
  }
  await stream.close().catch(() => undefined);
  return { ms: performance.now() - t0, bytes: got };
}
