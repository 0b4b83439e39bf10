import type { BlobRequest, BlobResponse } from './blob-protocol.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { encode } from 'cborg';
import { Uint8ArrayList } from 'uint8arraylist';
import {
  BLOB_PROTOCOL,
  MAX_REQUEST_FRAME,
  decodeRequest,
  decodeResponse,
  encodeFrame,
} from './blob-protocol.ts';
import { createBlobServer } from './blob-server.ts';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { nodeHashing } from './hashing.node.ts';
import { createAllowListAccess, createTestNode } from './test-peers.node.ts';
import { readFrames } from './frame-stream.ts';

const H = 'ab'.repeat(32);
const flat = (f: ReturnType<typeof encodeFrame>) => (f instanceof Uint8Array ? f : f.subarray());

describe('blob protocol codec', () => {
  it('round-trips requests and answers, data frames without CBOR', () => {
    const reqs: BlobRequest[] = [
      { t: 'has', id: 1, h: [H] },
      { t: 'meta', id: 2, h: H, inline: 1000 },
      { t: 'get', id: 3, h: H, i: 7 },
      { t: 'smalls', id: 5, h: [H, H], inline: 262144 },
    ];
    for (const req of reqs) expect(decodeRequest(flat(encodeFrame(req)))).toEqual(req);
    const d = new Uint8Array([1, 2, 3]);
    expect(decodeResponse(flat(encodeFrame({ t: 'data', id: 2 ** 40, i: 9, d })))).toEqual({
      t: 'data',
      id: 2 ** 40,
      i: 9,
      d,
    });
    const meta = { t: 'meta', id: 4, size: 10, cs: 65536, ch: new Uint8Array(32) } as const;
    expect(decodeResponse(flat(encodeFrame(meta)))).toEqual(meta);
    const smalls: BlobResponse = {
      t: 'smalls',
      id: 6,
      items: [{ s: 3, d: new Uint8Array([1, 2, 3]) }, { s: 5_000_000 }, { e: 'NOT_FOUND' }],
    };
    expect(decodeResponse(flat(encodeFrame(smalls)))).toEqual(smalls);
    // Binary: the same items, the inline bytes sent as they are; read from one buffer or from pieces.
    const bin: BlobResponse = { ...smalls, bin: true };
    const frame = encodeFrame(bin);
    expect(frame).toBeInstanceOf(Uint8ArrayList);
    expect(decodeResponse(flat(frame))).toEqual(bin);
    const pieces = new Uint8ArrayList(...[...flat(frame)].map((b) => Uint8Array.of(b)));
    expect(decodeResponse(pieces)).toEqual(bin);
    const binItems = (res: BlobResponse) => (res.t === 'smalls' ? res.items : undefined);
    expect(binItems(decodeResponse(pieces))?.[0]).toEqual({ s: 3, d: new Uint8Array([1, 2, 3]) });
    // A binary answer whose sizes do not add up to its bytes is a broken answer.
    const whole = flat(frame);
    expect(() => decodeResponse(whole.subarray(0, whole.length - 1))).toThrow(/malformed/);
    expect(() => decodeResponse(Uint8Array.of(...whole, 0))).toThrow(/malformed/);
    expect(() => decodeResponse(whole.subarray(0, 12))).toThrow(/malformed/);
    // The request flags round-trip; a request without them asks for CBOR (what older peers send).
    const ask: BlobRequest = { t: 'smalls', id: 9, h: [H], inline: 1, bin: true, man: true };
    expect(decodeRequest(flat(encodeFrame(ask)))).toEqual(ask);
    // A manifest item (binary only): size, chunk size and prefix digests, read from pieces too.
    const ch = Uint8Array.from({ length: 96 }, (_, i) => i);
    const man: BlobResponse = {
      t: 'smalls',
      id: 10,
      bin: true,
      items: [
        { s: 3, d: d },
        { s: 150_000, cs: 65536, ch },
      ],
    };
    const manFrame = flat(encodeFrame(man));
    expect(decodeResponse(manFrame)).toEqual(man);
    expect(decodeResponse(new Uint8ArrayList(...[...manFrame].map((b) => Uint8Array.of(b))))).toEqual(man);
    // A manifest whose digests do not fit its size and chunk size, or a chunk size out of bounds, is broken.
    const badMan = (s: number, cs: number, chunks: number) =>
      flat(
        encodeFrame({ t: 'smalls', id: 11, bin: true, items: [{ s, cs, ch: new Uint8Array(32 * chunks) }] }),
      );
    expect(() => decodeResponse(badMan(150_000, 65536, 2))).toThrow(/malformed/);
    expect(() => decodeResponse(badMan(150_000, 1024, 147))).toThrow(/malformed/);
    expect(() => decodeResponse(badMan(40 * 65536, 65536, 40))).toThrow(/malformed/);
    expect(decodeResponse(badMan(150_000, 65536, 3))).toMatchObject({ items: [{ s: 150_000, cs: 65536 }] });
    // A CBOR answer keeps only the known fields of an item (a manifest there is not read).
    expect(decodeResponse(encode({ t: 'smalls', id: 12, items: [{ s: 150_000, cs: 65536, ch }] }))).toEqual({
      t: 'smalls',
      id: 12,
      items: [{ s: 150_000 }],
    });
    // An inline blob whose length disagrees with its size is a broken answer.
    expect(() =>
      decodeResponse(encode({ t: 'smalls', id: 7, items: [{ s: 4, d: new Uint8Array(3) }] })),
    ).toThrow(/malformed/);
    expect(() => decodeRequest(encode({ t: 'smalls', id: 8, h: Array(65).fill(H), inline: 1 }))).toThrow(
      /malformed/,
    );
  });

  it('rejects malformed frames with BLOB_PROTOCOL', () => {
    for (const bad of [
      encode({ t: 'get', id: 1, h: 'not-a-hash', i: 0 }),
      encode({ t: 'has', id: 1, h: Array.from({ length: 513 }, () => H) }),
      encode({ t: 'nope', id: 1 }),
      encode([1, 2]),
      new Uint8Array([0xff, 0xff]),
    ])
      expect(() => decodeRequest(bad)).toThrow(expect.objectContaining({ code: 'BLOB_PROTOCOL' }) as Error);
    expect(() =>
      decodeResponse(encode({ t: 'meta', id: 1, size: 1, cs: 1, ch: new Uint8Array(32) })),
    ).toThrow(/malformed/);
    expect(() => decodeResponse(new Uint8Array([0, 1]))).toThrow(/short data frame/);
  });
});

const nodes: Libp2p[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop();
});

it('a paired peer sending an oversized request frame is cut off', async () => {
  const [server, client] = [await createTestNode(), await createTestNode()];
  nodes.push(server, client);
  const access = createAllowListAccess([client.peerId.toString()]);
  await createBlobServer({
    node: server,
    store: createMemoryBlobStore(),
    access,
    hashing: nodeHashing,
  }).start();
  await client.dial(server.getMultiaddrs()[0]!);
  const stream = await client.dialProtocol(server.peerId, BLOB_PROTOCOL);
  stream.send(lp.encode.single(new Uint8Array(MAX_REQUEST_FRAME + 1)));
  const got: Uint8Array[] = [];
  await expect(
    (async () => {
      for await (const f of readFrames(stream, 1 << 20)) got.push(f);
    })(),
  ).rejects.toThrow();
  expect(got).toEqual([]);
});
