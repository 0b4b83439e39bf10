import { createServer, connect, type Socket } from 'node:net';

/** A loopback TCP relay in front of a listener that can cut its connections half-open. */
export interface HalfOpenProxy {
  /** the relay's port on 127.0.0.1; dial it instead of the target */
  readonly port: number;
  /**
   * Cuts every connection relayed so far the way a device going offline does: the dialling
   * side's socket is destroyed (it sees its connection end), while the listening side's
   * socket stays open and hears nothing more, so the listener still believes that
   * connection alive (half-open) until its own keep-alive gives up. New connections pass.
   */
  cut(): void;
  close(): Promise<void>;
}

/** Starts a {@link HalfOpenProxy} to `target` (test helper: loopback only). */
export async function startHalfOpenProxy(target: { host: string; port: number }): Promise<HalfOpenProxy> {
  const live = new Set<{ dialler: Socket; upstream: Socket }>();
  const zombies = new Set<Socket>();
  const server = createServer((dialler) => {
    const upstream = connect(target.port, target.host);
    const pair = { dialler, upstream };
    live.add(pair);
    const end = () => {
      if (!live.delete(pair)) return;
      dialler.destroy();
      upstream.destroy();
    };
    for (const s of [dialler, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    dialler.pipe(upstream);
    upstream.pipe(dialler);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    port: address.port,
    cut() {
      for (const pair of [...live]) {
        live.delete(pair);
        const { dialler, upstream } = pair;
        dialler.unpipe(upstream);
        upstream.unpipe(dialler);
        // Whatever the listener still sends is swallowed, as by a dead route.
        upstream.on('data', () => {});
        zombies.add(upstream);
        dialler.destroy();
      }
    },
    async close() {
      for (const { dialler, upstream } of live) {
        dialler.destroy();
        upstream.destroy();
      }
      live.clear();
      for (const z of zombies) z.destroy();
      zombies.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
