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
