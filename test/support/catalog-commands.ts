/**
 * Catalog commands for peer processes: start a catalog on the peer's root document, run
 * operations, read a canonical snapshot, wait (on change events) for a state, and cut a
 * connection to simulate going offline.
 */
import { asDeviceId, createCatalog, type Catalog, type NewAsset } from '@hearth/sync';
import { waitUntil } from '@hearth/sync/testing';
import { peerIdFromString } from '@libp2p/peer-id';
import type { CommandHandler, PeerContext } from './peer-context.ts';

function catalogOf(ctx: PeerContext): Catalog {
  const c = ctx.extra['catalog'] as Catalog | undefined;
  if (!c) throw new Error('catalog not started: call catalog-start first');
  return c;
}

/** Everything a user could see, in a canonical order (equal across peers once converged). */
function snapshot(c: Catalog) {
  return {
    months: c.months(),
    assets: c
      .months()
      .flatMap((m) => c.monthAssets(m).map((a) => ({ ...a, holders: [...a.holders].sort() }))),
    albums: c.listAlbums(),
  };
}

/** The state a test waits for; every listed condition must hold. */
interface Expect {
  assets?: string[];
  favorite?: string[];
  archived?: string[];
  album?: { id: string; title?: string; assets?: string[] };
}

function holds(c: Catalog, want: Expect): boolean {
  if (want.assets?.some((id) => !c.getAsset(id as never))) return false;
  if (want.favorite?.some((id) => c.getAsset(id as never)?.favorite !== true)) return false;
  if (want.archived?.some((id) => c.getAsset(id as never)?.archived !== true)) return false;
  if (want.album) {
    const a = c.getAlbum(want.album.id as never);
    if (!a) return false;
    if (want.album.title !== undefined && a.title !== want.album.title) return false;
    if (want.album.assets && [...a.assets].sort().join() !== [...want.album.assets].sort().join())
      return false;
  }
  return true;
}

export const catalogCommands: Record<string, CommandHandler> = {
  async 'catalog-start'(ctx) {
    if (!ctx.root) throw new Error('no library yet: init-library or pair first');
    const catalog = createCatalog({
      repo: ctx.repo,
      root: ctx.root,
      deviceId: asDeviceId(ctx.node.peerId.toString()),
    });
    await catalog.start();
    catalog.onInvalid((e) => ctx.emit('catalog-invalid', { message: e.message }));
    ctx.extra['catalog'] = catalog;
    return true;
  },

  async 'catalog-add'(ctx, args) {
    return catalogOf(ctx).addAssets(args['assets'] as NewAsset[]);
  },

  /** Calls one Catalog operation by name, e.g. { op: 'renameAlbum', args: [id, 'x'] }. */
  async 'catalog-op'(ctx, args) {
    const c = catalogOf(ctx) as unknown as Record<string, (...a: unknown[]) => unknown>;
    const op = String(args['op']);
    if (typeof c[op] !== 'function' || op === 'start' || op === 'stop')
      throw new Error(`no catalog operation ${op}`);
    return (await c[op]!(...((args['args'] as unknown[]) ?? []))) ?? null;
  },

  async 'catalog-snapshot'(ctx) {
    return snapshot(catalogOf(ctx));
  },

  /** Waits on change events until `expect` holds; returns the snapshot then. */
  async 'catalog-wait'(ctx, args) {
    const c = catalogOf(ctx);
    const want = args['expect'] as Expect;
    await waitUntil(
      () => holds(c, want),
      [c.onChange],
      Number(args['timeoutMs'] ?? 30_000),
      `catalog state ${JSON.stringify(want)}`,
    );
    return snapshot(c);
  },

  /** Closes every connection to `peer` (going offline towards it). */
  async hangup(ctx, args) {
    await ctx.node.hangUp(peerIdFromString(String(args['peer'])));
    return ctx.node.getConnections().map((c) => c.remotePeer.toString());
  },
};
