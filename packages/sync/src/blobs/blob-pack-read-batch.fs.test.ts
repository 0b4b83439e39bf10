import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPackReadBatcher } from './blob-pack-read-batch.fs.ts';

describe('pack read batcher', () => {
  let dir: string;
  let fh: FileHandle;
  const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) % 251);
  let reads: number[][];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-pack-read-'));
    await writeFile(join(dir, 'p'), bytes);
    fh = await open(join(dir, 'p'), 'r');
    reads = [];
    // Counts the reads that reach the file.
    const read = fh.read.bind(fh) as (
      b: Buffer,
      o: number,
      l: number,
      p: number,
    ) => ReturnType<FileHandle['read']>;
    (fh as unknown as { read: typeof read }).read = (b, o, l, p) => {
      reads.push([p, l]);
      return read(b, o, l, p);
    };
  });
  afterEach(async () => {
    await fh.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('joins neighbouring ranges asked in one turn into one read, each answer its own bytes', async () => {
    const read = createPackReadBatcher(1 << 20, 128);
    const asked: [number, number][] = [
      [1000, 500],
      [0, 900], // 100 bytes before the next (within 128): joined
      [1540, 10], // 40 apart: joined
      [10_000, 300], // far: a read of its own
      [1200, 0],
    ];
    const got = await Promise.all(asked.map(([p, l]) => read(fh, p, l)));
    got.forEach((g, k) => expect(g).toEqual(bytes.subarray(asked[k]![0], asked[k]![0] + asked[k]![1])));
    expect(reads).toEqual([
      [0, 1550],
      [10_000, 300],
    ]);
  });

  it('keeps a joined read within maxSpan, and reads asked in later turns apart', async () => {
    const read = createPackReadBatcher(1000, 64);
    await Promise.all([read(fh, 0, 600), read(fh, 600, 600)]);
    expect(reads).toEqual([
      [0, 600],
      [600, 600],
    ]);
    expect(await read(fh, 5, 5)).toEqual(bytes.subarray(5, 10));
    expect(reads).toHaveLength(3);
  });

  it('answers undefined for a range past the end of the file, the others their bytes', async () => {
    const read = createPackReadBatcher();
    const [inside, past] = await Promise.all([read(fh, 19_000, 500), read(fh, 19_600, 1000)]);
    expect(inside).toEqual(bytes.subarray(19_000, 19_500));
    expect(past).toBeUndefined();
  });

  it('rejects every read of a group whose read failed', async () => {
    const read = createPackReadBatcher();
    await fh.close();
    const results = await Promise.allSettled([read(fh, 0, 10), read(fh, 10, 10)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fh = await open(join(dir, 'p'), 'r'); // for afterEach
  });
});
