import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectIo, openBlobFileWriter, type DirectIo } from './blob-file-writer.fs.ts';

/** Deterministic bytes, different for each `seed`. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i + seed) * 2654435761) >>> 24;
  return out;
}

/** `data` cut as a receiver gets it: Noise-sized pieces, with a few odd small ones. */
function piecesOf(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sizes = [65519, 1, 4095, 65519, 7, 4097];
  for (let at = 0, k = 0; at < data.length; k++) {
    const n = Math.min(sizes[k % sizes.length]!, data.length - at);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('blob file writer', () => {
  for (const direct of [true, false]) {
    it(`writes every size exactly (${direct ? 'direct I/O' : 'page cache'}), pieces reusable once appended`, async () => {
      const io = createDirectIo(dir, direct, 64 * 1024);
      // The machine's filesystem takes O_DIRECT (ext4); the fallback is the `false` case.
      const probe = await io.take();
      expect(probe !== undefined).toBe(direct);
      if (probe) io.give(probe);
      for (const size of [0, 1, 4095, 4096, 4097, 65536, 65537, 300_001]) {
        const data = bytes(size, size);
        const path = join(dir, `f${size}`);
        const w = await openBlobFileWriter(path, { flags: 'wx', direct: io });
        for (const p of piecesOf(data)) {
          const copy = p.slice();
          await w.append([copy]);
          copy.fill(0xee); // the caller reuses its buffer
        }
        expect(w.size).toBe(size);
        await w.finish();
        expect(new Uint8Array(await readFile(path))).toEqual(data);
      }
      expect((await readdir(dir)).filter((f) => f.endsWith('.probe'))).toEqual([]);
    });
  }

  it('resumes a file that ends inside a block, rewriting that block from its start', async () => {
    const io = createDirectIo(dir, true, 8192);
    const data = bytes(50_000, 3);
    const path = join(dir, 'partial');
    await writeFile(path, data.subarray(0, 5000));
    const w = await openBlobFileWriter(path, { keep: 5000, flags: 'r+', direct: io });
    expect(w.size).toBe(5000);
    await w.append(piecesOf(data.subarray(5000)));
    await w.finish();
    expect(new Uint8Array(await readFile(path))).toEqual(data);
  });

  it('keeps what was appended when aborted, for a later resume', async () => {
    const io = createDirectIo(dir, true, 8192);
    const data = bytes(30_001, 4);
    const path = join(dir, 'aborted');
    const w = await openBlobFileWriter(path, { flags: 'w+', direct: io });
    await w.append(piecesOf(data));
    await w.abort();
    await w.abort(); // twice is harmless
    expect(new Uint8Array(await readFile(path))).toEqual(data);
  });

  it('writers sharing the staging buffers do not mix up each other’s bytes', async () => {
    const io = createDirectIo(dir, true, 8192);
    const blobs = [0, 1, 2, 3, 4, 5].map((k) => bytes(40_000 + 977 * k, 10 + k));
    await Promise.all(
      blobs.map(async (data, k) => {
        const w = await openBlobFileWriter(join(dir, `c${k}`), { flags: 'wx', direct: io });
        for (const p of piecesOf(data)) await w.append([p]);
        await w.finish();
      }),
    );
    for (const [k, data] of blobs.entries())
      expect(new Uint8Array(await readFile(join(dir, `c${k}`)))).toEqual(data);
  });

  it('goes on through the page cache when the filesystem refuses a direct write (EINVAL)', async () => {
    // Buffers one byte off alignment: every direct write is refused, as by a filesystem that
    // opens with O_DIRECT but does not take it.
    let disabled = false;
    const io: DirectIo = {
      stage: 8192,
      take: () => Promise.resolve(disabled ? undefined : new Uint8Array(8192 + 4096).subarray(1, 8193)),
      give: () => undefined,
      disable: () => void (disabled = true),
    };
    const data = bytes(30_001, 5);
    const path = join(dir, 'refused');
    const w = await openBlobFileWriter(path, { flags: 'wx', direct: io });
    for (const p of piecesOf(data)) await w.append([p]);
    await w.finish();
    expect(disabled).toBe(true);
    expect(new Uint8Array(await readFile(path))).toEqual(data);
  });

  it('refuses appends after finish', async () => {
    const w = await openBlobFileWriter(join(dir, 'done'), { flags: 'wx', direct: createDirectIo(dir) });
    await w.append([bytes(10, 1)]);
    await w.finish();
    await expect(w.append([bytes(10, 2)])).rejects.toThrow(/ended/);
  });
});
