import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMetadata } from './extract-metadata.ts';
import { findSidecar } from './find-sidecar.node.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { fromBase64, SAMPLE_JPEG_B64, SIDECAR_XMP } from './testing/samples.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-sidecar-'));
const reader = createExiftoolReader();
afterAll(async () => {
  await reader.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('findSidecar', () => {
  it('prefers photo.jpg.xmp over photo.xmp, and the found sidecar wins in extractMetadata', async () => {
    const photo = join(dir, 'a.jpg');
    writeFileSync(photo, fromBase64(SAMPLE_JPEG_B64));
    expect(await findSidecar(photo)).toBeUndefined();
    writeFileSync(join(dir, 'a.xmp'), SIDECAR_XMP.replace('<xmp:Rating>2', '<xmp:Rating>1'));
    expect(await findSidecar(photo)).toEqual({ path: join(dir, 'a.xmp') });
    writeFileSync(join(dir, 'a.jpg.xmp'), SIDECAR_XMP);
    const sidecar = await findSidecar(photo);
    expect(sidecar).toEqual({ path: join(dir, 'a.jpg.xmp') });
    const m = await extractMetadata(reader, { path: photo }, sidecar ? { sidecar } : {});
    expect(m.rating).toBe(2);
    expect(m.description).toBe('From the sidecar');
  });
});
