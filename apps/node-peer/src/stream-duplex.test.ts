import { once } from 'node:events';
import type { Libp2p, Stream } from '@libp2p/interface';
import { createPeerNode } from '@hearth/sync/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { streamToDuplex } from './stream-duplex.ts';

const LOOPBACK = { listen: ['/ip4/127.0.0.1/tcp/0'], relayServer: false };
const PROTOCOL = '/hearth/test/stream-duplex/1';
const CHUNK = 256 * 1024;
const CHUNKS = 64; // 16 MiB: far past yamux's window, so the writer must wait many times

const nodes: Libp2p[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop();
});

describe('streamToDuplex', () => {
  it('carries bytes in order both ways and writes wait for every drain (the stream holds at most ~one chunk)', async () => {
    const server = await createPeerNode(LOOPBACK);
    const client = await createPeerNode(LOOPBACK);
    nodes.push(server, client);
    const received: Buffer[] = [];
    const served = new Promise<void>((resolve, reject) => {
      void server.handle(PROTOCOL, (stream: Stream) => {
        const d = streamToDuplex(stream);
        d.on('data', (c: Buffer) => received.push(c));
        d.on('end', () => d.end(Buffer.from('bye'), () => resolve()));
        d.on('error', reject);
      });
    });
    const stream = await client.dialProtocol(server.getMultiaddrs()[0]!, PROTOCOL);
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
