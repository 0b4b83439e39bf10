import { describe, expect, it } from 'vitest';
import { peerIdFromString } from '@libp2p/peer-id';
import type { SessionPoolNode } from './blob-session-pool.ts';
import { createSessionPool } from './blob-session-pool.ts';
import { BlobPeerError } from './errors.ts';

const PEER = peerIdFromString('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA');

/** A node whose dials never connect: they end only when their signal aborts (as libp2p's do). */
const silentNode: SessionPoolNode = {
  dialProtocol: (_peer, _protocols, options) =>
    new Promise((_, reject) => {
      options?.signal?.addEventListener('abort', () => reject(new Error('dial aborted')));
    }),
};

describe('blob session pool', () => {
  it('fails a session whose dial is not answered in time with a BlobPeerError naming the peer', async () => {
    const pool = createSessionPool(silentNode, 2, 50);
    const err = await pool.session(PEER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobPeerError);
    expect(String((err as Error).cause)).toMatch(/dial not answered in 50 ms/);
    // The failed session is not handed out again: the next ask dials anew.
    let dials = 0;
    const counting: SessionPoolNode = {
      dialProtocol: (...args) => {
        dials++;
        return silentNode.dialProtocol(...args);
      },
    };
    const again = createSessionPool(counting, 1, 50);
    await again.session(PEER).catch(() => undefined);
    await again.session(PEER).catch(() => undefined);
    expect(dials).toBe(2);
  });
});
