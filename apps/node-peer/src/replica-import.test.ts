import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BlobHash } from '@hearth/sync';
import { createReplicaImporter } from './replica-import.ts';
import type { UploadImport } from './upload-http.ts';

function setup(answer: (path: string) => Promise<UploadImport>) {
  const d = mkdtempSync(join(tmpdir(), 'hearth-replica-import-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  const blob = join(d, 'blob');
  writeFileSync(blob, 'original bytes');
  const seen: { name: string; bytes: string; links: number }[] = [];
  const logs: string[] = [];
  const importer = createReplicaImporter({
    fileOf: () => Promise.resolve(blob),
    tmpDir: join(d, 'uploads'),
    importFile: async (path) => {
      seen.push({ name: basename(path), bytes: readFileSync(path, 'utf8'), links: statSync(path).nlink });
      return answer(path);
    },
    log: (l) => logs.push(l),
  });
  return { d, blob, seen, logs, importer };
}

const HASH = 'ab'.repeat(32) as BlobHash;

describe('createReplicaImporter', () => {
  it("imports the held blob under the catalog's file name through a link, then removes only the link", async () => {
    const t = setup(async () => ({ id: HASH, duplicate: false }));
    await t.importer.importHeld(HASH, '../IMG_0001.JPG');
    await t.importer.importHeld(HASH, 'IMG_0001.JPG');
    expect(t.seen[0]).toEqual({ name: 'IMG_0001.JPG', bytes: 'original bytes', links: 2 });
    expect(readdirSync(join(t.d, 'uploads'))).toEqual([]);
    expect(readFileSync(t.blob, 'utf8')).toBe('original bytes');
    expect(t.importer.counts()).toEqual({ imported: 2, duplicates: 0, failed: 0 });
  });

  it('counts duplicates, and a failed import once with its reason, keeping the blob', async () => {
    const answers: UploadImport[] = [{ id: HASH, duplicate: true }, { failed: 'not a readable photo' }];
    const t = setup(async () => answers.shift() ?? { failed: 'x' });
    await t.importer.importHeld(HASH, 'a.jpg');
    await t.importer.importHeld(HASH, undefined);
    expect(t.seen.map((s) => s.name)).toEqual(['a.jpg', 'upload']);
    expect(t.importer.counts()).toEqual({
      imported: 0,
      duplicates: 1,
      failed: 1,
      lastError: 'upload: not a readable photo',
    });
    expect(t.logs.some((l) => /upload was fetched but not imported: not a readable photo/.test(l))).toBe(
      true,
    );
    expect(readFileSync(t.blob, 'utf8')).toBe('original bytes');
  });

  it('reports a blob that is not there as a failure instead of throwing', async () => {
    const t = setup(async () => ({ id: HASH, duplicate: false }));
    rmSync(t.blob);
    await t.importer.importHeld(HASH, 'a.jpg');
    expect(t.seen).toEqual([]);
    expect(t.importer.counts()).toMatchObject({ imported: 0, failed: 1 });
    expect(readdirSync(join(t.d, 'uploads'))).toEqual([]);
  });
});
