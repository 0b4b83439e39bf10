import type { Libp2p, Libp2pEvents } from '@libp2p/interface';

/**
 * Resolves once `test` holds, checked at once and again on every `name` event of `node`
 * (test helper: multi-peer tests wait on the event that can change the answer, never sleep).
 * Bound it with `withTimeout`; the listener is removed when it resolves.
 */
export function whenEvent(node: Libp2p, name: keyof Libp2pEvents, test: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = (): void => {
      if (!test()) return;
      node.removeEventListener(name, check);
      resolve();
    };
    node.addEventListener(name, check);
    check();
  });
}
