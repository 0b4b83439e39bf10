import { afterEach, describe, expect, it } from 'vitest';
import type { Libp2p, Stream } from '@libp2p/interface';
import { createChunkPool, createSentChunks } from './chunk-pool.ts';
import { readFrameLists, sendFrame } from './frame-stream.ts';
import { createTestNode } from './test-peers.node.ts';

const PROTOCOL = '/hearth-test/chunk-reuse/1';
const SIZE = 1024 * 1024;
const FRAMES = 48;

describe('chunk pool', () => {
  it('reuses given-back buffers, allocates when none is free, and keeps at most `max`', () => {
    const pool = createChunkPool(16, 1);
    const a = pool.take();
    const b = pool.take();
    expect(a).not.toBe(b);
    pool.give(a);
    pool.give(b); // over `max`: dropped
    pool.give(new Uint8Array(8)); // wrong size: dropped
    expect(pool.take()).toBe(a);
    expect(pool.take()).not.toBe(b);
    expect(pool.reused).toBe(1);
  });
});

// The reuse rule relies on how the libp2p stack (yamux over Noise) holds bytes handed to
// `send`: this runs it against the real stack with buffers overwritten as soon as they are
// given back, so bytes still held would arrive as a later frame's.
describe.each(['tcp', 'ws'] as const)('sent chunks over %s', (transport) => {
  const nodes: Libp2p[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
  });

  it('gives a buffer back only once the stream and its connection let go of it', async () => {
    const [server, client] = [await createTestNode(transport), await createTestNode(transport)];
    nodes.push(server, client);
    const pool = createChunkPool(SIZE, 4);
    let deferred = 0;
    await server.handle(PROTOCOL, async (stream: Stream) => {
      const sent = createSentChunks(stream, pool);
      for (let k = 0; k < FRAMES; k++) {
        sent.reclaim();
        const buf = pool.take();
        buf.fill(k % 251);
        await sendFrame(stream, buf);
        sent.sent(buf);
        if (stream.writeBufferLength > 0 || stream.writableNeedsDrain) deferred++;
      }
      await stream.close();
    });
    const stream = await client.dialProtocol(server.getMultiaddrs()[0]!, PROTOCOL);
    let k = 0;
    const bad: number[] = [];
    for await (const frame of readFrameLists(stream, SIZE + 16)) {
      const want = Buffer.alloc(SIZE, k % 251);
      let at = 0;
      for (const p of frame) {
        if (!want.subarray(at, at + p.length).equals(p)) bad.push(k);
        at += p.length;
      }
      if (at !== SIZE) bad.push(k);
      k++;
    }
    expect(k).toBe(FRAMES);
    expect(bad).toEqual([]);
    // Both ways were taken: buffers came back, and some sends had to wait to give theirs.
    expect(pool.reused).toBeGreaterThan(0);
    expect(deferred).toBeGreaterThan(0);
  });
});
