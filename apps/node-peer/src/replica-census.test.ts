import { describe, expect, it } from 'vitest';
import type { Asset, RootDoc } from '@hearth/sync';
import { sampleAsset } from '@hearth/sync/testing';
import { createReplicaCensus } from './replica-census.ts';

const device = (role: 'device' | 'home-node', name: string) => ({ role, name });
// This node A, a second home node B, a phone P and a revoked home node C.
const root = {
  devices: {
    A: device('home-node', 'home node'),
    B: device('home-node', 'node B'),
    P: device('device', 'phone'),
    C: device('home-node', 'old node'),
  },
  revocations: { C: {} },
} as unknown as RootDoc;
const asset = (n: number, size: number, holders: string[]) =>
  ({ ...sampleAsset(n), size, holders }) as unknown as Asset;

describe('the replica census', () => {
  it('counts originals, who else holds them and what each unrevoked home node holds', () => {
    const census = createReplicaCensus('A', { doc: () => root });
    census.note(asset(1, 10, ['A', 'P']));
    census.note(asset(2, 20, ['B', 'A']));
    census.note(asset(3, 5, ['P']));
    const s = census.summary();
    expect(s).toMatchObject({
      originals: 3,
      originalBytes: 35,
      originalsHeldElsewhere: 3,
      originalsOnOtherNodes: 1,
    });
    expect(s.homeNodes.sort((x, y) => x.deviceId.localeCompare(y.deviceId))).toEqual([
      { deviceId: 'A', name: 'home node', self: true, originals: 2, bytes: 30 },
      { deviceId: 'B', name: 'node B', self: false, originals: 1, bytes: 20 },
    ]);
  });

  it('does not count a copy on a revoked device, also one revoked after the pass saw it', () => {
    let doc = root;
    const census = createReplicaCensus('A', { doc: () => doc });
    census.note(asset(1, 10, ['A', 'C']));
    census.note(asset(2, 20, ['A', 'P']));
    expect(census.summary()).toMatchObject({ originalsHeldElsewhere: 1, originalsOnOtherNodes: 0 });
    census.note(asset(3, 30, ['A', 'B']));
    expect(census.summary()).toMatchObject({ originalsHeldElsewhere: 2, originalsOnOtherNodes: 1 });
    doc = { ...root, revocations: { C: {}, B: {}, P: {} } } as unknown as RootDoc;
    const s = census.summary();
    expect(s).toMatchObject({ originals: 3, originalsHeldElsewhere: 0, originalsOnOtherNodes: 0 });
    expect(s.homeNodes.map((n) => n.deviceId)).toEqual(['A']);
  });

  it('keeps the latest note of an asset, forgets removed ones and starts over on clear', () => {
    const census = createReplicaCensus('A', { doc: () => root });
    census.note(asset(1, 10, ['P']));
    census.note(asset(1, 10, ['P', 'A']));
    census.note(asset(2, 20, ['A']));
    census.forget(sampleAsset(2).id);
    expect(census.summary()).toMatchObject({ originals: 1, originalBytes: 10, originalsHeldElsewhere: 1 });
    expect(census.summary().homeNodes.find((n) => n.self)).toMatchObject({ originals: 1, bytes: 10 });
    census.clear();
    const empty = census.summary();
    expect(empty).toMatchObject({ originals: 0, originalBytes: 0, originalsHeldElsewhere: 0 });
    // Home nodes are listed before they hold anything.
    expect(empty.homeNodes.map((n) => [n.deviceId, n.originals])).toEqual(
      expect.arrayContaining([
        ['A', 0],
        ['B', 0],
      ]),
    );
  });

  it('lists this node alone while the root document is not loaded', () => {
    const census = createReplicaCensus('A', { doc: () => undefined });
    census.note(asset(1, 10, ['A', 'B']));
    expect(census.summary()).toMatchObject({
      originals: 1,
      originalsHeldElsewhere: 1,
      originalsOnOtherNodes: 0,
      homeNodes: [{ deviceId: 'A', name: '', self: true, originals: 1, bytes: 10 }],
    });
  });
});
