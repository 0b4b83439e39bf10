/**
 * Follows the synced ML documents for one reader in the peer worker (CLIP search, machine
 * words): a `step` runs at start, on every root change, whenever the reader `wake`s it (its
 * own documents changed), and again every `retryMs` after a step said something was not
 * available yet (offline, a document listed but not synced). Steps run one at a time, in
 * order, so a reader never sees its own state change under it; a failed step is logged and
 * the next one runs.
 */
import type { DocHandle } from '@automerge/automerge-repo';
import type { RootDoc } from '@hearth/sync';

export interface MlDocumentFollower {
  /** resolves once the first step is done */
  readonly ready: Promise<void>;
  /** runs the step again (after the queued ones) */
  wake(): Promise<void>;
  /** runs `f` in the same queue as the steps */
  run(f: () => Promise<void> | void): Promise<void>;
  /** something could not be read now: the step runs again after `retryMs` */
  retryLater(): void;
  stop(): void;
}

export interface FollowMlDocumentOptions {
  root: DocHandle<RootDoc>;
  /** one pass over the documents; calls `retryLater` for what it could not read */
  step(follower: MlDocumentFollower): Promise<void> | void;
  /** what the log lines of a failed step start with */
  label: string;
  retryMs?: number;
}

export function followMlDocument(opts: FollowMlDocumentOptions): MlDocumentFollower {
  let pending = false;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();
  const run = (f: () => Promise<void> | void): Promise<void> =>
    (queue = queue
      .then(() => (stopped ? undefined : f()))
      .catch((e: unknown) => console.warn(`${opts.label}:`, e)));
  const wake = () =>
    run(async () => {
      pending = false; // this pass says again what it could not read
      await opts.step(follower);
    });
  const onRoot = () => void wake();
  const timer = setInterval(() => {
    if (pending) void wake();
  }, opts.retryMs ?? 10_000);
  const follower: MlDocumentFollower = {
    ready: Promise.resolve(),
    wake,
    run,
    retryLater() {
      pending = true;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      opts.root.off('change', onRoot);
    },
  };
  opts.root.on('change', onRoot);
  return Object.assign(follower, { ready: wake() });
}
