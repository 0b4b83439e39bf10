/**
 * A node data dir holding a large synthetic library, for benchmarks: the journal with
 * `assets` photo records, each with its `images` derivative done (all pointing at one real
 * thumbnail and preview blob, so nothing needs deriving) and marked as in the synced
 * catalog; optionally the synced catalog documents of the same size (copied from a
 * prebuilt Automerge store).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DERIVATIVES_PIPELINE_VERSION } from '@hearth/media';
import { createFsBlobStore } from '@hearth/sync/platform';
import { initLibrary } from '../library.ts';

export async function buildNodeLibrary(
  dir: string,
  assets: number,
  opts: { automerge?: { dir: string; rootUrl: string }; imagesVersion?: number } = {},
): Promise<void> {
  await initLibrary(dir, 'Bench library');
  const blobs = createFsBlobStore({ root: join(dir, 'blobs') });
  await blobs.start();
  const thumb = (await blobs.put(new TextEncoder().encode('bench thumbnail'))).hash;
  const preview = (await blobs.put(new TextEncoder().encode('bench preview'))).hash;
  // Stopped before the node under test opens the same store: it seals the pack these went
  // into and closes its files (left open, they were closed by the garbage collector, with a warning).
  await blobs.stop();
  // The current pipeline's version, so a bench's node finds nothing to redo.
  const version = opts.imagesVersion ?? DERIVATIVES_PIPELINE_VERSION;
  const lines: string[] = [];
  const start = Date.UTC(2015, 0, 1);
  for (let i = 0; i < assets; i++) {
    const id = createHash('sha256').update(`bench-asset-${i}`).digest('hex');
    const asset = {
      id,
      original: id,
      type: 'photo',
      mime: 'image/jpeg',
      size: 3_000_000 + i,
      fileName: `IMG_${String(i).padStart(6, '0')}.jpg`,
      importedAt: start,
      takenAt: start + i * 37 * 60_000,
      takenOffset: '+01:00',
      width: 4032,
      height: 3024,
      camera: { make: 'Apple', model: 'iPhone 12' },
      projected: true,
      // Read as a plain photo at import: the `motion` step does not look at it.
      motionPhoto: false,
      // Its derived refs count as projected too, so a bench's node does not open the catalog.
      projectedDerived: version,
    };
    lines.push(JSON.stringify({ op: 'add', asset }));
    lines.push(
      JSON.stringify({
        op: 'derived',
        rec: {
          asset: id,
          kind: 'images',
          version,
          blobs: { thumbnail: thumb, preview },
          values: {
            thumbhash: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw',
            phash: '0f0f0f0f0f0f0f0f',
            width: 4032,
            height: 3024,
          },
        },
      }),
    );
  }
  await mkdir(join(dir, 'catalog'), { recursive: true });
  await writeFile(join(dir, 'catalog', 'catalog.jsonl'), lines.join('\n') + '\n');
  if (opts.automerge) {
    await cp(opts.automerge.dir, join(dir, 'automerge'), { recursive: true });
    await writeFile(join(dir, 'root.json'), JSON.stringify({ url: opts.automerge.rootUrl }) + '\n');
  }
}
