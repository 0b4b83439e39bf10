import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobHash } from '../ids.ts';
import { createReadHandles, type ReadHandles } from './blob-read-handles.fs.ts';

describe('blob read handles', () => {
  let dir: string;
  let handles: ReadHandles;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-read-handles-'));
    handles = createReadHandles((h) => join(dir, h));
  });
  afterEach(async () => {
    await handles.closeAll();
    await rm(dir, { recursive: true, force: true });
  });
  const blob = async (name: string, size: number) => {
    const hash = name.repeat(64) as BlobHash;
    const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    await writeFile(join(dir, hash), bytes);
    return { hash, bytes };
  };

  it("keeps a blob above readWhole's max open for the answers and chunk reads that follow", async () => {
    const { hash, bytes } = await blob('b', 70_000);
    expect(await handles.readWhole(hash, 65_536)).toEqual({ size: 70_000 });
    // Gone from the directory, it is still served through the file readWhole kept open.
    await unlink(join(dir, hash));
    expect(await handles.readWhole(hash, 65_536)).toEqual({ size: 70_000 });
    const r = await handles.read(hash, 65_536, 10_000);
    expect(r.size).toBe(70_000);
    expect(r.bytes).toEqual(bytes.subarray(65_536));
    expect(await handles.readWhole(hash, 100_000)).toEqual({ size: 70_000, bytes });
    // Evicted (as a delete or quarantine does), the kept file is closed and the blob is gone.
    handles.evict(hash);
    await expect(handles.read(hash, 0, 10)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
  });

  it('does not keep a small blob it read whole', async () => {
    const { hash, bytes } = await blob('a', 30_000);
    expect(await handles.readWhole(hash, 65_536)).toEqual({ size: 30_000, bytes });
    await unlink(join(dir, hash));
    await expect(handles.readWhole(hash, 65_536)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
  });
});
