import type { Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { createPeerNode } from './create-peer-node.node.ts';
import { dialLoopback } from './loopback-stream.ts';
import { drained } from './stream-drain.ts';

const PROTOCOL = '/hearth/test/stream-drain/1';
const FRAME = 256 * 1024;
const FRAMES = 64; // 16 MiB: far past yamux's window, so the writer must wait many times

/**
 * A server writing FRAMES frames, each after `wait`, to a client reading as fast as it can;
 * returns the most bytes the server's stream ever held unsent, and what the client got.
 */
async function largestBacklog(wait: (s: Stream) => Promise<void>): Promise<{ backlog: number; got: number }> {
  let backlog = 0;
  const stream = await dialLoopback(createPeerNode, PROTOCOL, async (s) => {
    for (let k = 0; k < FRAMES; k++) {
      await wait(s);
      s.send(new Uint8Array(FRAME).fill(k));
      backlog = Math.max(backlog, s.writeBufferLength);
    }
    await s.close();
  });
  let got = 0;
  for await (const c of stream) got += c.byteLength;
  return { backlog, got };
}

describe('drained', () => {
  it('waits for a drain every time the buffer fills, so a writer holds at most ~two frames', async () => {
    const { backlog, got } = await largestBacklog((s) => drained(s));
    expect(got).toBe(FRAME * FRAMES);
    expect(backlog).toBeLessThanOrEqual(2 * FRAME);
  });

  it('resolves at once when no drain is needed', async () => {
    const stream = await dialLoopback(createPeerNode, PROTOCOL, async (s) => void s.close());
    expect(stream.writableNeedsDrain).toBe(false);
    await drained(stream);
    stream.abort(new Error('done'));
    // Closed: nothing will drain it, so a writer is not left waiting (its send then throws).
    await drained(stream);
  });

  // Why the helper exists: @libp2p/utils 7.4.1's `onDrain()` resolves the same promise for
  // every later wait, so the old pattern stops waiting after the first drain. If this starts
  // failing, the library renews the promise and `drained` could go back to `onDrain()`.
  it('(canary) the old `onDrain()` pattern lets the backlog grow to most of what is written', async () => {
    const { backlog, got } = await largestBacklog(async (s) => {
      if (s.writableNeedsDrain) await s.onDrain();
    });
    expect(got).toBe(FRAME * FRAMES);
    expect(backlog).toBeGreaterThan(8 * FRAME);
  });
});
