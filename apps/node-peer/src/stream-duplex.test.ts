import { once } from 'node:events';
import type { Stream } from '@libp2p/interface';
import { createPeerNode } from '@hearth/sync/platform';
import { dialLoopback } from '@hearth/sync/testing';
import { describe, expect, it } from 'vitest';
import { streamToDuplex } from './stream-duplex.ts';

const PROTOCOL = '/hearth/test/stream-duplex/1';
const CHUNK = 256 * 1024;
const CHUNKS = 64; // 16 MiB: far past yamux's window, so the writer must wait many times

describe('streamToDuplex', () => {
  it('carries bytes in order both ways and writes wait for every drain (the stream holds at most ~one chunk)', async () => {
    const received: Buffer[] = [];
    const { promise: served, resolve, reject } = Promise.withResolvers<void>();
    const stream = await dialLoopback(createPeerNode, PROTOCOL, (s: Stream) => {
      const d = streamToDuplex(s);
      d.on('data', (c: Buffer) => received.push(c));
      d.on('end', () => d.end(Buffer.from('bye'), () => resolve()));
      d.on('error', reject);
    });
    const d = streamToDuplex(stream);
    const answer: Buffer[] = [];
    d.on('data', (c: Buffer) => answer.push(c));
    let backlog = 0;
    for (let k = 0; k < CHUNKS; k++) {
      const ok = d.write(Buffer.alloc(CHUNK, k));
      backlog = Math.max(backlog, stream.writeBufferLength);
      if (!ok) await once(d, 'drain');
    }
    d.end();
    await served;
    if (!d.readableEnded) await once(d, 'end');

    const all = Buffer.concat(received);
    expect(all.length).toBe(CHUNK * CHUNKS);
    for (let k = 0; k < CHUNKS; k++) expect(all[k * CHUNK]).toBe(k);
    expect(Buffer.concat(answer).toString()).toBe('bye');
    // With `stream.onDrain()` (resolved for good after the first drain) this was ~16 MB.
    expect(backlog).toBeLessThanOrEqual(2 * CHUNK);
  });
});
