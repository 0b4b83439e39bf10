import 'fake-indexeddb/auto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runTimelineIndexStoreContract } from './timeline-index-store.contract.ts';
import { createFsTimelineIndexStore } from './timeline-index-store.fs.ts';
import { createIdbTimelineIndexStore } from './timeline-index-store.idb.ts';
import { createMemoryTimelineIndexStore } from './timeline-index-store.memory.ts';

runTimelineIndexStoreContract('memory', async () => ({ store: createMemoryTimelineIndexStore() }));

runTimelineIndexStoreContract('fs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-timeline-'));
  return {
    store: createFsTimelineIndexStore(dir),
    reopen: async () => createFsTimelineIndexStore(dir),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});

let n = 0;
runTimelineIndexStoreContract('idb (fake-indexeddb)', async () => {
  const name = `hearth-timeline-test-${n++}`;
  return { store: createIdbTimelineIndexStore(name), reopen: async () => createIdbTimelineIndexStore(name) };
});

it('fs store leaves no temp files behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-timeline-'));
  try {
    const store = createFsTimelineIndexStore(dir);
    await Promise.all([1, 2, 3].map((v) => store.write('2024-07', new Uint8Array([v]))));
    expect(await readdir(dir)).toEqual(['2024-07.timeline']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
