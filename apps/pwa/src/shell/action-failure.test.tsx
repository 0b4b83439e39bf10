import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { useActionFailure } from './action-failure.tsx';

/** A promise settled from the test, to order two actions' endings. */
function deferred() {
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('useActionFailure', () => {
  it('says what failed, and a new attempt hides it', async () => {
    const failure = createRoot(() => useActionFailure());
    expect(await failure.run('rate the photo', () => Promise.reject(new Error('disk full')))).toBe(false);
    expect(failure.message()).toBe('Could not rate the photo: disk full');
    expect(await failure.run('rate the photo', () => Promise.resolve())).toBe(true);
    expect(failure.message()).toBeUndefined();
  });

  it('an older action failing after a newer one succeeded is still told', async () => {
    const failure = createRoot(() => useActionFailure());
    const first = deferred();
    const older = failure.run('move the item', () => first.promise);
    expect(await failure.run('set the album cover', () => Promise.resolve())).toBe(true);
    first.reject(new Error('late'));
    expect(await older).toBe(false);
    expect(failure.message()).toBe('Could not move the item: late');
  });
});
