import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, describe, expect, it } from 'vitest';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';
import { normalizeMetadata } from './normalize-metadata.ts';
import { fixturesDir, listFiles } from './testing/fixtures.node.ts';

/** The Composite tags exiftool-lean.config removes. */
const DROPPED = new Set([
  'ScaleFactor35efl',
  'FocalLength35efl',
  'CircleOfConfusion',
  'FOV',
  'HyperfocalDistance',
  'DOF',
  'LightValue',
  'ShutterSpeed',
  'Aperture',
  'ImageSize',
  'Megapixels',
  'RedBalance',
  'BlueBalance',
]);
/** Differ between two reads of the same file by nature. */
const VOLATILE = new Set(['FileAccessDate', 'FileInodeChangeDate', 'SourceFile', 'Directory', 'FileName']);

const files = listFiles(join(fixturesDir(), 'immich-test-assets')).filter((f) => !f.endsWith('.md'));
const lean = createExiftoolReader({ maxProcs: 1 });
const full = new ExifTool({ maxProcs: 1, ignoreZeroZeroLatLon: true });
afterAll(async () => {
  await lean.stop();
  await full.end();
});

describe('exiftool-lean.config', () => {
  it.skipIf(!files.length)(
    'removes only the unused Composite tags: every other tag and the normalized metadata are exiftool’s, on every fixture',
    async () => {
      let dropped = 0;
      for (const f of files) {
        const a = (await full.readRaw(f, { readArgs: ['-n'] })) as Record<string, unknown>;
        const b = await lean.readTags({ path: f });
        for (const k of Object.keys(a)) {
          if (VOLATILE.has(k)) continue;
          if (DROPPED.has(k)) {
            expect(b[k], `${f}: ${k}`).toBeUndefined();
            dropped++;
          } else expect(b[k], `${f}: ${k}`).toEqual(a[k]);
        }
        for (const k of Object.keys(b)) if (!VOLATILE.has(k)) expect(k in a, `${f}: extra ${k}`).toBe(true);
        expect(normalizeMetadata(b), f).toEqual(normalizeMetadata(a));
      }
      // The fixtures' cameras do have these composites, so the comparison above means something.
      expect(dropped).toBeGreaterThan(20);
    },
  );
});
