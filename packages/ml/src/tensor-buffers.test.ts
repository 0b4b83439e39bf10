import { describe, expect, it } from 'vitest';
import { createTensorBuffers } from './tensor-buffers.ts';

describe('tensor buffers', () => {
  it('hands a returned buffer out again, never one still taken', () => {
    const pool = createTensorBuffers();
    const a = pool.take(12);
    const b = pool.take(12);
    expect(b).not.toBe(a);
    pool.give(a);
    expect(pool.take(12)).toBe(a);
    expect(pool.take(12)).not.toBe(b);
  });

  it('serves a smaller size as a view on the start of a free buffer, and takes the view back whole', () => {
    const pool = createTensorBuffers();
    const big = pool.take(100);
    pool.give(big);
    const view = pool.take(30);
    expect(view).toHaveLength(30);
    expect(view.buffer).toBe(big.buffer);
    expect(view.byteOffset).toBe(0);
    // While the view is out, a second taker gets fresh memory.
    expect(pool.take(30).buffer).not.toBe(big.buffer);
    pool.give(view);
    const again = pool.take(100);
    expect(again.buffer).toBe(big.buffer);
    expect(again).toHaveLength(100);
    // Larger than anything free: a new buffer.
    pool.give(again);
    expect(pool.take(101).buffer).not.toBe(big.buffer);
  });

  it('keeps only the largest few free buffers and uses the smallest that fits', () => {
    const pool = createTensorBuffers(2);
    const [s, m, l] = [pool.take(10), pool.take(20), pool.take(30)];
    pool.give(s);
    pool.give(m);
    pool.give(l);
    expect(pool.take(15).buffer).toBe(m.buffer);
    expect(pool.take(15).buffer).toBe(l.buffer);
    expect(pool.take(5).buffer).not.toBe(s.buffer);
  });
});
