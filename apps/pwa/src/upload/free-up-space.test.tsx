import { cleanup, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupSummary, BackupSummaryOptions, LibraryChange } from '../library/library-client.ts';
import { FreeUpSpace } from './free-up-space.tsx';

/** A library whose counts come from `answers`, one per call, each once the test lets it. */
function fakeLibrary(answers: (() => Promise<BackupSummary>)[]) {
  const listeners = new Set<(c: LibraryChange) => void>();
  const asked: (BackupSummaryOptions | undefined)[] = [];
  return {
    asked,
    emit: (c: LibraryChange) => listeners.forEach((l) => l(c)),
    library: {
      spaceToFree: async () => ({ count: 0, bytes: 0 }),
      freeUpSpace: async () => ({ freed: 0, bytes: 0, kept: 0 }),
      backupSummary: (o?: BackupSummaryOptions) => {
        asked.push(o);
        const next = answers.shift();
        if (!next) throw new Error('asked once too often');
        return next();
      },
      onChange(l: (c: LibraryChange) => void) {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
    },
  };
}

const full = (s: Partial<BackupSummary> = {}): BackupSummary => ({
  total: 3,
  onNoHomeNode: 0,
  onOneHomeNode: 3,
  homeNodes: 1,
  ...s,
});

describe('<FreeUpSpace> counts', () => {
  afterEach(cleanup);

  it('shows a first count going in steps as partial, then the whole count', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const lib = fakeLibrary([
      async () => full({ total: 1, onNoHomeNode: 1, onOneHomeNode: 0, counting: { months: 1, of: 2 } }),
      async () => (await released, full({ onNoHomeNode: 1, onOneHomeNode: 2 })),
    ]);
    render(() => <FreeUpSpace library={lib.library} />);
    await screen.findByText('Counting… 1 of 2 months');
    expect(screen.getByTestId('backup-summary').textContent).toContain(
      'At least 1 photo or video not on any home node yet',
    );
    release();
    await screen.findByText('1 photo or video not on any home node yet');
    expect(screen.queryByText(/Counting/)).toBeNull();
    // Each step is bounded, so the worker answers other calls between them.
    expect(lib.asked).toHaveLength(2);
    expect(lib.asked.every((o) => (o?.budgetMs ?? 0) > 0)).toBe(true);
  });

  it('counts again when a home node joins the library (no asset changed)', async () => {
    const lib = fakeLibrary([
      async () => full(),
      async () => full({ homeNodes: 2 }), // the joined node holds nothing yet
    ]);
    render(() => <FreeUpSpace library={lib.library} />);
    await screen.findByText(/Every photo and video is on the home node/);
    lib.emit({ assets: [], albums: [], months: [], homeNodes: true });
    await screen.findByText('3 photos and videos only on one home node', undefined, { timeout: 5_000 });
    expect(lib.asked).toHaveLength(2);
  });
});
