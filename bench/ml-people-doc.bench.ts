/**
 * ml-people-doc: the synced people document holding the home node's clustering of N faces
 * (default 100,000 faces of 5,000 people; one entry per face, `assetId/index` → person).
 * - first_write_ms: the first `applyClustering` of all N faces (one Automerge change).
 * - add_1000_ms: the next run's write of 1,000 new faces.
 * - saved_bytes: the document's saved size (what a new device downloads).
 * - load_ms: `Automerge.load` of the saved bytes (a device or restarted node opening it).
 * - read_ms: `faceAssignments()` (every face → person with the user's decisions applied).
 * Medians of 3 runs for the writes/reads. `npm run bench -- ml-people-doc [faces]`
 */
import * as A from '@automerge/automerge';
import { openPeopleCatalog } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { median, report } from './report.ts';

const N = Number(process.argv[2] ?? 100_000);
const PEOPLE = Math.max(1, Math.round(N / 20));
const hex = (n: number) => n.toString(16).padStart(64, '0');
const person = (p: number) => `person-${String(p).padStart(8, '0')}-abcdefgh`;

const first: number[] = [];
const add: number[] = [];
const load: number[] = [];
const read: number[] = [];
let bytes = 0;
for (let run = 0; run < 3; run++) {
  const repo = memoryRepo(`bench-${run}`);
  const root = createTestRoot(repo);
  const people = await openPeopleCatalog({ repo, root });
  const clustering = new Map<string, string>();
  for (let i = 0; i < N; i++) clustering.set(`${hex(i)}/${i % 3}`, person(i % PEOPLE));
  let t = performance.now();
  people.applyClustering('bench@1', clustering);
  first.push(performance.now() - t);
  for (let i = N; i < N + 1000; i++) clustering.set(`${hex(i)}/0`, person(i % PEOPLE));
  t = performance.now();
  people.applyClustering('bench@1', clustering);
  add.push(performance.now() - t);
  t = performance.now();
  const map = people.faceAssignments();
  read.push(performance.now() - t);
  if (map.size !== N + 1000) throw new Error(`read ${map.size} faces, wrote ${N + 1000}`);
  const handle = await repo.find(people.url);
  const saved = A.save(handle.doc() as A.Doc<unknown>);
  bytes = saved.byteLength;
  t = performance.now();
  A.load(saved);
  load.push(performance.now() - t);
  await repo.shutdown();
}
report({ bench: 'ml-people-doc', metric: 'first_write_ms', value: median(first), unit: 'ms' });
report({ bench: 'ml-people-doc', metric: 'add_1000_ms', value: median(add), unit: 'ms' });
report({ bench: 'ml-people-doc', metric: 'saved_bytes', value: bytes, unit: 'bytes' });
report({ bench: 'ml-people-doc', metric: 'load_ms', value: median(load), unit: 'ms' });
report({ bench: 'ml-people-doc', metric: 'read_ms', value: median(read), unit: 'ms' });
