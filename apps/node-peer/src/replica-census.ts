/**
 * What the home node's replicator last saw of each asset, for its status (`/api/status`,
 * `hearth status`): the catalog is lazy, so its assets cannot be listed synchronously when
 * status is asked. Per asset: the original's size, whether another device or node holds it
 * and whether another home node does, and which home nodes (this one included) hold it.
 */
import type { Asset, AssetId, RootDoc } from '@hearth/sync';
import type { ReplicationStatus } from './replication-status.ts';

/** The status fields the census answers. */
export type CensusSummary = Pick<
  ReplicationStatus,
  'originals' | 'originalBytes' | 'originalsHeldElsewhere' | 'originalsOnOtherNodes' | 'homeNodes'
>;

/** Assets as of the last pass that saw them (see the module comment). */
export interface ReplicaCensus {
  /** Records `a` as a pass saw it now. */
  note(a: Asset): void;
  /** An asset a pass found gone from the catalog. */
  forget(id: AssetId): void;
  /** Before a full pass, which notes every asset again. */
  clear(): void;
  summary(): CensusSummary;
}

const ELSEWHERE = 1;
const ON_NODE = 2;

/** `self` is this node's device id; `root` the library's root document (device roles and names). */
export function createReplicaCensus(self: string, root: { doc(): RootDoc | undefined }): ReplicaCensus {
  const seen = new Map<AssetId, { size: number; holders: readonly string[] }>();
  // Holder lists are interned: nearly every asset has one of a few.
  const interned = new Map<string, readonly string[]>();
  const intern = (list: string[]): readonly string[] => {
    const k = list.join(' ');
    let v = interned.get(k);
    if (!v) interned.set(k, (v = Object.freeze(list)));
    return v;
  };
  return {
    note(a) {
      seen.set(a.id, { size: a.size, holders: intern([...a.holders].sort()) });
    },
    forget: (id) => void seen.delete(id),
    clear: () => seen.clear(),
    summary() {
      let elsewhere = 0;
      let onNodes = 0;
      let originalBytes = 0;
      const byNode = new Map<string, { originals: number; bytes: number }>();
      const doc = root.doc();
      // Roles and revocations as of now, not as of the pass: a copy on a device revoked since is
      // no copy this library can count on (nor fetch).
      const revoked = (d: string) => doc?.revocations[d] !== undefined;
      const isHomeNode = (d: string) => doc?.devices[d as keyof RootDoc['devices']]?.role === 'home-node';
      // Every unrevoked home node of the library, holding something or not yet.
      for (const [id, cert] of Object.entries(doc?.devices ?? {}))
        if (cert.role === 'home-node' && !revoked(id)) byNode.set(id, { originals: 0, bytes: 0 });
      byNode.set(self, byNode.get(self) ?? { originals: 0, bytes: 0 });
      const flagsOf = new Map<readonly string[], number>();
      const flags = (holders: readonly string[]) => {
        let f = flagsOf.get(holders);
        if (f === undefined) {
          const others = holders.filter((h) => h !== self && !revoked(h));
          f = (others.length > 0 ? ELSEWHERE : 0) | (others.some(isHomeNode) ? ON_NODE : 0);
          flagsOf.set(holders, f);
        }
        return f;
      };
      for (const a of seen.values()) {
        const f = flags(a.holders);
        if (f & ELSEWHERE) elsewhere++;
        if (f & ON_NODE) onNodes++;
        originalBytes += a.size;
        for (const n of a.holders) {
          const c = byNode.get(n);
          if (c) {
            c.originals++;
            c.bytes += a.size;
          }
        }
      }
      const homeNodes = [...byNode].map(([deviceId, c]) => ({
        deviceId,
        name: doc?.devices[deviceId as keyof RootDoc['devices']]?.name ?? '',
        self: deviceId === self,
        ...c,
      }));
      return {
        originals: seen.size,
        originalBytes,
        originalsHeldElsewhere: elsewhere,
        originalsOnOtherNodes: onNodes,
        homeNodes,
      };
    },
  };
}
