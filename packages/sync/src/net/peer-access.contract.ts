import { describe, expect, it } from 'vitest';
import type { DeviceId } from '../ids.ts';
import type { PeerAccess } from './peer-access.ts';

/** A PeerAccess under test, with the means to change who is paired. */
export interface PeerAccessFixture {
  access: PeerAccess;
  /** two distinct peer ids the implementation accepts */
  peers: [string, string];
  pair(peer: string): Promise<void>;
  revoke(peer: string): Promise<void>;
}

/**
 * What every PeerAccess must do, whatever feeds it (root document, allow list, a
 * switchable wrapper): strangers are refused, paired peers admitted, a revocation is told
 * to listeners once and is final.
 */
export function runPeerAccessContract(name: string, setup: () => Promise<PeerAccessFixture>): void {
  describe(`PeerAccess contract: ${name}`, () => {
    it('refuses a peer it has never been told about', async () => {
      const { access, peers } = await setup();
      expect(access.isPaired(peers[0])).toBe(false);
      expect(access.isRevoked?.(peers[0]) ?? false).toBe(false);
    });

    it('admits a paired peer and only that one', async () => {
      const { access, peers, pair } = await setup();
      await pair(peers[0]);
      expect(access.isPaired(peers[0])).toBe(true);
      expect(access.isPaired(peers[1])).toBe(false);
    });

    it('revocation: refused from then on, listeners told once, unsubscribe works', async () => {
      const { access, peers, pair, revoke } = await setup();
      await pair(peers[0]);
      await pair(peers[1]);
      const told: DeviceId[] = [];
      const late: DeviceId[] = [];
      access.onRevoked((p) => told.push(p));
      const off = access.onRevoked((p) => late.push(p));
      off();
      await revoke(peers[0]);
      expect(access.isPaired(peers[0])).toBe(false);
      expect(access.isRevoked?.(peers[0]) ?? true).toBe(true);
      expect(access.isPaired(peers[1])).toBe(true);
      expect(told).toEqual([peers[0]]);
      expect(late).toEqual([]);
      await revoke(peers[0]);
      expect(told).toEqual([peers[0]]);
    });
  });
}
