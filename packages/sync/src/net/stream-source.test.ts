import * as lp from 'it-length-prefixed';
import type { Stream } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPeers } from './connect-peers.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { streamSource } from './stream-source.ts';

const PROTOCOL = '/hearth/test/stream-source/1';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Two connected nodes; the server answers each stream with `frames` and closes at once. */
async function serverWriting(frames: Uint8Array[]) {
  const server = await createPeerNode(LOOPBACK_TCP);
  const client = await createPeerNode(LOOPBACK_TCP);
  cleanup.push(
    async () => server.stop(),
    async () => client.stop(),
  );
  let closed!: () => void;
  const serverClosed = new Promise<void>((r) => (closed = r));
  await server.handle(PROTOCOL, async (stream) => {
    for (const f of frames) stream.send(lp.encode.single(f));
    await stream.close();
    closed();
  });
  await connectPeers(client, server);
  return { client, server, serverClosed };
}

const remoteClosed = (stream: Stream) =>
  new Promise<void>((resolve) => {
    if (stream.remoteWriteStatus === 'closed') return resolve();
    stream.addEventListener('remoteCloseWrite', () => resolve(), { once: true });
  });

describe('streamSource', () => {
  it('ends when the remote wrote everything and closed before reading started', async () => {
    const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(70_000).fill(7), new Uint8Array([9])];
    const { client, server, serverClosed } = await serverWriting(frames);
    const stream = await client.dialProtocol(server.peerId, PROTOCOL);
    // The whole answer and the close are here before anyone reads: libp2p's own iterator
    // would deliver the data and then wait for the stream to time out.
    await serverClosed;
    await remoteClosed(stream);
    const got: number[][] = [];
    for await (const f of lp.decode(streamSource(stream))) got.push([...f.subarray()].slice(0, 3));
    expect(got).toEqual([[1, 2, 3], [7, 7, 7], [9]]);
  });

  it('reads an answer that arrives while reading, to its end', async () => {
    const frames = Array.from({ length: 50 }, (_, i) => new Uint8Array(10_000).fill(i));
    const { client, server } = await serverWriting(frames);
    const stream = await client.dialProtocol(server.peerId, PROTOCOL);
    let n = 0;
    for await (const f of lp.decode(streamSource(stream))) expect(f.subarray()[0]).toBe(n++);
    expect(n).toBe(50);
  });

  it('delivers bytes put back after `end` already fired (multistream-select over-read), then ends', async () => {
    // Under load, negotiation read the whole answer and the remote's close, `end` fired, and
    // then the over-read bytes were put back: `readableEnded` is true with data buffered.
    // A stand-in with libp2p's order: buffered bytes go out in a microtask once a message
    // listener is added, taken out of the buffer before the event; no second `end` follows.
    const data = lp.encode.single(new Uint8Array(50_000).fill(5)).subarray();
    const stream = Object.assign(new EventTarget(), {
      readableEnded: true,
      readBufferLength: data.length,
      remoteWriteStatus: 'closed',
      status: 'open',
    });
    const add = stream.addEventListener.bind(stream);
    stream.addEventListener = (type: string, listener: EventListenerOrEventListenerObject | null) => {
      add(type, listener);
      if (type !== 'message' || stream.readBufferLength === 0) return;
      queueMicrotask(() => {
        stream.readBufferLength = 0;
        stream.dispatchEvent(Object.assign(new Event('message'), { data }));
      });
    };
    const got: number[] = [];
    for await (const f of lp.decode(streamSource(stream as unknown as Stream))) got.push(f.byteLength);
    expect(got).toEqual([50_000]);
  });

  it('a plain iterable (a stand-in) is read as it is', async () => {
    async function* two() {
      yield new Uint8Array([1]);
      yield new Uint8Array([2]);
    }
    const got: number[] = [];
    for await (const b of streamSource(two())) got.push(...b.subarray());
    expect(got).toEqual([1, 2]);
  });
});
