import { encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './automerge-frames.ts';

const msg = {
  type: 'sync',
  senderId: 'a',
  targetId: 'b',
  documentId: '2j9knpCseyhnK8izDmLpGP5WMdZQ',
  data: new Uint8Array([1, 2]),
};

describe('automerge frames', () => {
  it('round-trips hello and messages', () => {
    expect(
      decodeFrame(
        encodeFrame({
          t: 'hello',
          peerId: 'a' as never,
          meta: { storageId: 's' as never, isEphemeral: false },
        }),
      ),
    ).toEqual({
      t: 'hello',
      peerId: 'a',
      meta: { storageId: 's', isEphemeral: false },
    });
    expect(decodeFrame(encodeFrame({ t: 'msg', m: msg as never }))).toEqual({ t: 'msg', m: msg });
  });

  it.each([
    ['not CBOR', new Uint8Array([0xff, 0xff])],
    ['not a map', encode([1, 2])],
    ['unknown frame', encode({ t: 'nope' })],
    ['hello without peer', encode({ t: 'hello', meta: {} })],
    ['bad metadata', encode({ t: 'hello', peerId: 'a', meta: { isEphemeral: 'yes' } })],
    ['message without type', encode({ t: 'msg', m: { senderId: 'a', targetId: 'b' } })],
    ['data that is not bytes', encode({ t: 'msg', m: { ...msg, data: 'text' } })],
    ['absurd ids', encode({ t: 'msg', m: { ...msg, senderId: 'x'.repeat(10_000) } })],
  ])('rejects %s with a reason instead of throwing', (_what, bytes) => {
    expect(typeof decodeFrame(bytes)).toBe('string');
  });
});
