import { multiaddr } from '@multiformats/multiaddr';
import {
  dialAddrsOf,
  mergeHomeNodeAddresses,
  readHomeNodeAddresses,
  withTimeout,
  type HomeNodeAddresses,
} from '@hearth/sync';
import type { CommandHandler } from './peer-context.ts';

const announced = async (ctx: Parameters<CommandHandler>[0]) => {
  if (!ctx.root) throw new Error('not paired: call pair first');
  const ignored: string[] = [];
  const nodes = await readHomeNodeAddresses(
    ctx.root.doc(),
    String(ctx.extra['libraryPublicKey'] ?? ''),
    (id, why) => ignored.push(`${id}: ${why}`),
  );
  // Kept as a device keeps them: per node the later announcement wins, so a concurrent older
  // write that wins the document's merge for a moment does not send the device back.
  const kept = mergeHomeNodeAddresses((ctx.extra['homeNodes'] ?? []) as HomeNodeAddresses[], nodes).filter(
    (k) => nodes.some((n) => n.deviceId === k.deviceId),
  );
  ctx.extra['homeNodes'] = kept;
  return { nodes: kept, ignored };
};

/**
 * What a device does to find its home nodes: read their signed addresses from the synced root
 * document (`homeNodes`) and dial any of them, as the PWA's worker does.
 */
export const homeNodeCommands: Record<string, CommandHandler> = {
  /** Every home node's announced addresses (checked), and the entries ignored with why. */
  async 'home-nodes'(ctx) {
    const { nodes, ignored } = await announced(ctx);
    return { nodes: nodes.map(({ signature: _, ...rest }) => rest), ignored };
  },

  /**
   * A misbehaving paired device: rewrites a home node's entry with another port (its signature
   * no longer matches) and adds an oversized junk entry. Both must be ignored by readers, and
   * the node puts its own entry back.
   */
  async 'forge-home-node'(ctx, args) {
    if (!ctx.root) throw new Error('not paired: call pair first');
    const id = String(args['deviceId']);
    const had = ctx.root.doc().homeNodes?.[id];
    if (!had) throw new Error(`no entry for ${id}`);
    const forged = { ...JSON.parse(JSON.stringify(had)), addrs: ['/ip4/127.0.0.1/tcp/9'] } as typeof had;
    ctx.root.change((d) => {
      d.homeNodes ??= {};
      d.homeNodes[id] = forged;
      (d.homeNodes as Record<string, unknown>)['junk-entry'] = 'x'.repeat(20_000);
    });
    return true;
  },

  /** Dials every announced home node not connected now; returns the ones connected after. */
  async 'dial-home-nodes'(ctx) {
    const { nodes } = await announced(ctx);
    const connected = new Set(ctx.node.getPeers().map((p) => p.toString()));
    const reached: string[] = [];
    const errors: string[] = [];
    for (const n of nodes) {
      if (connected.has(n.deviceId)) {
        reached.push(n.deviceId);
        continue;
      }
      const addrs = dialAddrsOf(n)
        .filter((a) => !a.includes('/ws'))
        .map((a) => multiaddr(a));
      const ok = await withTimeout(ctx.node.dial(addrs), 10_000, `dial ${n.deviceId}`).then(
        () => true,
        (e: unknown) => errors.push(`${n.deviceId} at ${addrs.join(' ')}: ${(e as Error).message}`) < 0,
      );
      if (ok) reached.push(n.deviceId);
    }
    return { reached, errors };
  },
};
