/**
 * ml-text-search: `@hearth/ml`'s text search index at library scale (what the PWA's search
 * runs over the synced catalog), synthetic documents with file names, tags, camera, place and
 * some descriptions.
 * - build_ms: putting every document into an empty index, then the first query.
 * - query_after_put_ms: one `put` (a catalog change) then a query, median of 15: what a person
 *   waits for while the library syncs. Anchor: the same query with no put before it.
 * `npm run bench -- ml-text-search [count]`
 */
import { createSearchIndex, type SearchDocument } from '@hearth/ml';
import { median, report } from './report.ts';

const N = Number(process.argv[2] ?? 100_000);
let seed = 7;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const TAGS = ['dog', 'cat', 'beach', 'mountain', 'car', 'bicycle', 'food', 'sunset', 'snow', 'city', 'tree'];
const PLACES = ['Brighton, England', 'Lyon, France', 'Kyoto, Japan', 'Austin, Texas', 'Porto, Portugal'];
const CAMERAS = ['Apple iPhone 12', 'Canon EOS 5D', 'Google Pixel 7', 'Sony ILCE-7M3'];
const WORDS = 'the a walk with friends at dinner party morning evening old town harbour garden'.split(' ');

function doc(i: number): SearchDocument {
  const d: SearchDocument = {
    id: i.toString(16).padStart(64, '0'),
    takenAt: Date.UTC(2010, 0, 1) + Math.floor(rnd() * 15 * 365 * 86_400_000),
    tags: [pick(TAGS), pick(TAGS)],
    fileName: `IMG_${String(i).padStart(6, '0')}.jpg`,
    camera: pick(CAMERAS),
    place: pick(PLACES),
  };
  return i % 10 === 0
    ? { ...d, description: Array.from({ length: 6 }, () => pick(WORDS)).join(' ') + ` note${i}` }
    : d;
}

const docs = Array.from({ length: N }, (_, i) => doc(i));
const index = createSearchIndex();
const t0 = performance.now();
for (const d of docs) index.put(d);
await index.search('dog beach');
const build = performance.now() - t0;

const afterPut: number[] = [];
const steady: number[] = [];
for (let r = 0; r < 17; r++) {
  // A changed asset (a new description word), as a catalog change brings.
  index.put({ ...docs[r * 31]!, description: `edited ${r} harbour` });
  let t = performance.now();
  await index.search('dog harbour');
  afterPut.push(performance.now() - t);
  t = performance.now();
  await index.search('dog harbour');
  steady.push(performance.now() - t);
}
// The first two rounds warm up the JIT.
const value = median(afterPut.slice(2));
const anchor = median(steady.slice(2));
report({ bench: 'ml-text-search', metric: 'build_ms', value: build, unit: 'ms' });
report({
  bench: 'ml-text-search',
  metric: 'query_after_put_ms',
  value,
  unit: 'ms',
  anchor: { name: 'query_no_put_ms', value: anchor },
  ratio: value / anchor,
});
report({ bench: 'ml-text-search', metric: 'documents', value: N, unit: 'docs' });
