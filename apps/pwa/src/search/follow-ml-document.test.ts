// @vitest-environment node
// The follower both ML readers of the worker share: a step at start, on root changes and on
// wake, one at a time; a retry only after a step asked for it; nothing after stop.
import type { Repo } from '@automerge/automerge-repo';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followMlDocument, type MlDocumentFollower } from './follow-ml-document.ts';

const repos: Repo[] = [];
const followers: MlDocumentFollower[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const f of followers.splice(0)) f.stop();
  for (const r of repos.splice(0)) await r.shutdown();
});

function root() {
  const repo = memoryRepo('follow');
  repos.push(repo);
  return createTestRoot(repo);
}

describe('followMlDocument', () => {
  it('runs the step at start, on a root change and on wake, never two at once', async () => {
    const r = root();
    let running = 0;
    let most = 0;
    let steps = 0;
    const f = followMlDocument({
      root: r,
      label: 'test',
      async step() {
        most = Math.max(most, ++running);
        await new Promise((ok) => setImmediate(ok));
        steps++;
        running--;
      },
    });
    followers.push(f);
    await f.ready;
    expect(steps).toBe(1);
    r.change((d) => void (d.name = 'renamed'));
    await Promise.all([f.wake(), f.wake()]);
    expect(steps).toBe(4);
    expect(most).toBe(1);
  });

  it('runs again after retryMs only when a step asked for it; a failing step does not stop the next', async () => {
    vi.useFakeTimers();
    const r = root();
    const seen: number[] = [];
    let fail = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const f = followMlDocument({
      root: r,
      label: 'test',
      retryMs: 1000,
      step(self) {
        seen.push(seen.length);
        if (seen.length < 3) self.retryLater();
        if (fail) throw new Error('boom');
      },
    });
    followers.push(f);
    await f.ready;
    expect(warn).toHaveBeenCalledWith('test:', expect.any(Error));
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(3);
    // The third step did not ask: no more runs however long it waits.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(3);
    warn.mockRestore();
  });

  it('stop ends root changes, retries and queued work', async () => {
    const r = root();
    let steps = 0;
    const f = followMlDocument({
      root: r,
      label: 'test',
      retryMs: 1,
      step(self) {
        steps++;
        self.retryLater();
      },
    });
    await f.ready;
    f.stop();
    const after = steps;
    r.change((d) => void (d.name = 'again'));
    await f.wake();
    await f.run(() => void steps++);
    expect(steps).toBe(after);
  });
});
