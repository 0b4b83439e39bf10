import { describe, expect, it } from 'vitest';
import { createSharedDecode } from './shared-decode.ts';

describe('shared decode', () => {
  it('decodes once per key for all users, then forgets it; bounds what it holds; does not keep failures', async () => {
    const calls: string[] = [];
    const d = createSharedDecode(
      async (k) => {
        calls.push(k);
        if (k === 'bad') throw new Error('undecodable');
        return k.toUpperCase();
      },
      { users: 3, max: 2 },
    );
    expect(await Promise.all([d.get('a'), d.get('a'), d.get('a')])).toEqual(['A', 'A', 'A']);
    expect(d.size).toBe(0);
    expect(await d.get('a')).toBe('A');
    expect(calls).toEqual(['a', 'a']);
    await d.get('b');
    await d.get('c');
    expect(d.size).toBe(2); // 'a' was evicted as the oldest
    await expect(d.get('bad')).rejects.toThrow('undecodable');
    await expect(d.get('bad')).rejects.toThrow('undecodable');
    expect(calls.filter((k) => k === 'bad')).toHaveLength(2);
  });
});
