import { describe, expect, it } from 'vitest';
import { createTensorBuffers } from './tensor-buffers.ts';

describe('tensor buffers', () => {
  it('hands a returned buffer out again for the same length, never one still taken', () => {
    const pool = createTensorBuffers();
    const a = pool.take(12);
    const b = pool.take(12);
    expect(b).not.toBe(a);
    pool.give(a);
    expect(pool.take(12)).toBe(a);
    expect(pool.take(12)).not.toBe(b);
    pool.give(b);
    const c = pool.take(8);
    expect(c).toHaveLength(8);
    expect(c).not.toBe(b);
  });

  it('keeps only the newest few free buffers', () => {
    const pool = createTensorBuffers(1);
    const a = pool.take(4);
    const b = pool.take(4);
    pool.give(a);
    pool.give(b);
    expect(pool.take(4)).toBe(b);
    expect(pool.take(4)).not.toBe(a);
  });
});
