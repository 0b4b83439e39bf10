import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from './hash-file.ts';

describe('hashFile', () => {
  it('hashes files of many sizes right, also many at once (each read buffer is its own)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-hash-'));
    const sizes = [0, 1, (1 << 20) - 1, 1 << 20, (5 << 20) / 2 + 7, 3 << 20];
    const files = sizes.map((n, i) => {
      const bytes = randomBytes(n);
      const path = join(dir, `f${i}`);
      writeFileSync(path, bytes);
      return { path, want: createHash('sha256').update(bytes).digest('hex') };
    });
    for (let round = 0; round < 2; round++)
      expect(await Promise.all(files.map((f) => hashFile(f.path)))).toEqual(files.map((f) => f.want));
  });

  it('rejects a missing file', async () => {
    await expect(hashFile('/nonexistent/hearth-hash')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
