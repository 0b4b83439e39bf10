import { describe, expect, it } from 'vitest';
import { createWakeSignal } from './wake-signal.ts';

describe('wake signal', () => {
  it('wakes the waiter once; a notify with no one waiting is dropped', async () => {
    const s = createWakeSignal();
    s.notify(); // nobody waits: dropped
    let woke = 0;
    const w = s.wait().then(() => woke++);
    await Promise.resolve();
    expect(woke).toBe(0);
    s.notify();
    await w;
    s.notify(); // the waiter already left: nothing to wake twice
    expect(woke).toBe(1);
  });
});
