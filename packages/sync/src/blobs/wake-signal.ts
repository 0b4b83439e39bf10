/**
 * A one-waiter wake-up between two loops of one stream (the blob server's request reader and
 * answer writer): `wait()` parks until the next `notify()`, and a `notify()` with no one
 * waiting is dropped, so a waiter checks its condition before it waits. No `Promise.race`:
 * racing a long-lived promise adds a reaction to it on every wait, which piled up per frame.
 */
export interface WakeSignal {
  /** Resolves at the next `notify()` (one waiter at a time). */
  wait(): Promise<void>;
  /** Wakes the waiter, if any. */
  notify(): void;
}

export function createWakeSignal(): WakeSignal {
  let waiter: (() => void) | undefined;
  return {
    wait: () => new Promise<void>((resolve) => (waiter = resolve)),
    notify() {
      const w = waiter;
      waiter = undefined;
      w?.();
    },
  };
}
