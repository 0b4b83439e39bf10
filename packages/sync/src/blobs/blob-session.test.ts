import type { Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { describe, expect, it, vi } from 'vitest';
import { createPeerNode } from '../net/create-peer-node.node.ts';
import { dialLoopback } from '../net/loopback-stream.ts';
import { decodeRequest, encodeFrame, MAX_REQUEST_FRAME } from './blob-protocol.ts';
import { createBlobSession } from './blob-session.ts';
import { joinFrames, readFrames, sendFrame } from './frame-stream.ts';

const PROTOCOL = '/hearth/test/blob-session/1';
const HASH = 'ab'.repeat(32);

/** A loopback stream whose far end answers every `has` request, recording the requests' ids. */
async function answeringStream(ids: number[]): Promise<Stream> {
  return dialLoopback(createPeerNode, PROTOCOL, async (s) => {
    for await (const frame of readFrames(s, MAX_REQUEST_FRAME)) {
      const req = decodeRequest(frame);
      ids.push(req.id);
      await sendFrame(s, encodeFrame({ t: 'has', id: req.id, have: [req.id % 2 === 0] }));
    }
    await s.close();
  });
}

describe('blob session', () => {
  it('writes the requests made in one turn at once, and matches each answer to its request', async () => {
    const ids: number[] = [];
    const stream = await answeringStream(ids);
    const send = vi.spyOn(stream, 'send');
    const session = createBlobSession('peer', stream);
    const answers = await Promise.all([0, 1, 2, 3].map(() => session.request({ t: 'has', h: [HASH] })));
    expect(answers.map((a) => (a.t === 'has' ? a.have[0] : undefined))).toEqual([true, false, true, false]);
    expect(ids).toEqual([0, 1, 2, 3]);
    expect(send).toHaveBeenCalledTimes(1);
    // A request in a later turn is a write of its own.
    expect(await session.request({ t: 'has', h: [HASH] })).toMatchObject({ t: 'has', id: 4, have: [true] });
    expect(send).toHaveBeenCalledTimes(2);
    session.close();
  });

  it('rejects the pending requests when the stream goes away', async () => {
    const stream = await answeringStream([]);
    const session = createBlobSession('peer', stream);
    const pending = session.request({ t: 'has', h: [HASH] });
    stream.abort(new Error('gone'));
    await expect(pending).rejects.toMatchObject({ code: 'BLOB_PEER_FAILED' });
    await expect(session.request({ t: 'has', h: [HASH] })).rejects.toMatchObject({
      code: 'BLOB_PEER_FAILED',
    });
  });
});

describe('joinFrames', () => {
  it('prefixes each payload with its varint length, as the length-prefixed reader expects', () => {
    const sizes = [0, 1, 127, 128, 300, 16_383, 16_384, 70_000];
    const payloads = sizes.map((n, k) => new Uint8Array(n).fill(k + 1));
    const joined = joinFrames(payloads);
    const decoded: Uint8Array[] = [];
    for (const f of lp.decode([joined])) decoded.push(f.subarray());
    expect(decoded).toEqual(payloads);
  });
});
