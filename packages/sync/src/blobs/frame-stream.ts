/**
 * Length-prefixed frames over a libp2p stream, with a read size limit and write
 * backpressure (wait for `drain` when the stream's buffer is full).
 */
import type { Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';
import { drained } from '../net/stream-drain.ts';

/** Sends one frame, waiting for the stream to drain first when its buffer is full. */
export async function sendFrame(stream: Stream, payload: Uint8Array | Uint8ArrayList): Promise<void> {
  await drained(stream);
  stream.send(lp.encode.single(payload));
}

/**
 * Small frames (requests) joined into one buffer, each with its varint length prefix, as
 * `readFrames` reads them: one `send` for the lot. Each `send` of pieces becomes one yamux frame,
 * one Noise message and a socket write per piece (length, ciphertext of each piece, tag), so a
 * request sent alone cost ~5 write syscalls (measured: the receiver's extra writes over the
 * bare stream were all requests, ~90 µs each on this loaded machine).
 */
export function joinFrames(payloads: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of payloads) size += varintLength(p.length) + p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of payloads) {
    for (let n = p.length; ; n = Math.floor(n / 128)) {
      if (n < 128) {
        out[at++] = n;
        break;
      }
      out[at++] = (n % 128) | 0x80;
    }
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const varintLength = (n: number): number => (n < 128 ? 1 : 1 + varintLength(Math.floor(n / 128)));

/** The frames arriving on a stream; throws (InvalidDataLengthError) on a frame above `maxFrame`. */
export async function* readFrames(stream: Stream, maxFrame: number): AsyncIterable<Uint8Array> {
  for await (const f of lp.decode(stream, { maxDataLength: maxFrame })) yield f.subarray();
}

/**
 * The frames arriving on a stream, as the pieces they arrived in: a 1 MiB chunk comes as
 * ~16 decrypted transport messages, and joining them would allocate one more buffer per
 * frame (the receiver's GC was a third of its CPU). Throws like `readFrames`.
 */
export function readFrameLists(stream: Stream, maxFrame: number): AsyncIterable<Uint8ArrayList> {
  return lp.decode(stream, { maxDataLength: maxFrame });
}
