import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { fileTypeFromFile } from 'file-type';
import { asAssetId } from '@hearth/sync';
import type { MediaMetadata } from '@hearth/media';
import { ConfigError } from '../errors.ts';
import { hashFile } from '../hash-file.ts';
import { walkImport } from '../import-walker.ts';
import { junkFileReason } from '../junk-filter.ts';
import { openLibrary } from '../library.ts';
import { parseXmp } from '../xmp-sidecar.ts';
import { configOf, formatBytes, printJson } from './common.ts';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show what Hearth reads from a file, without importing it')
    .argument('<file>', 'a photo or video')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { json?: boolean }, cmd: Command) => {
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) throw new ConfigError(`${file} is not a file`);
      const sniffed = await fileTypeFromFile(file).catch(() => undefined);
      const hash = await hashFile(file);
      const walk = await walkImport([file]);
      const side = await readFile(`${file}.xmp`, 'utf8')
        .then(parseXmp)
        .catch(() => undefined);
      // What the import would read: @hearth/media's metadata (sidecar merged, Immich's date rules).
      let metadata: MediaMetadata | { error: string } | null = null;
      if (sniffed) {
        const media = await import('@hearth/media');
        const reader = (await import('@hearth/media/platform')).createExiftoolReader({ maxProcs: 1 });
        await reader.start();
        try {
          const sidecarPath = walk.candidates[0]?.sidecar;
          metadata = await media.extractMetadata(
            reader,
            { path: file },
            { fileTimeMs: st.mtimeMs, ...(sidecarPath ? { sidecar: { path: sidecarPath } } : {}) },
          );
        } catch (err) {
          metadata = { error: (err as Error).message };
        } finally {
          await reader.stop();
        }
      }
      // Same place name as an import records (offline GeoNames lookup, loaded only for GPS).
      let place: string | null = null;
      if (metadata && !('error' in metadata) && metadata.gps) {
        const media = await import('@hearth/media');
        const geo = (await import('@hearth/media/platform')).createCitiesReverseGeocoder();
        const p = geo.reverseGeocode(metadata.gps.latitude, metadata.gps.longitude);
        place = p ? media.placeLabel(p) : null;
      }
      let inLibrary: boolean | undefined;
      try {
        const lib = await openLibrary(configOf(cmd).dataDir);
        inLibrary = !!lib.catalog.get(asAssetId(hash));
        await lib.stop();
      } catch {
        inLibrary = undefined;
      }
      const out = {
        file,
        name: basename(file),
        size: st.size,
        modified: st.mtime.toISOString(),
        sha256: hash,
        mime: sniffed?.mime ?? null,
        importable: walk.candidates.length === 1 && !!sniffed,
        skipReason: walk.skipped[0]?.reason ?? junkFileReason(basename(file)) ?? null,
        inLibrary: inLibrary ?? null,
        sidecar: side ?? null,
        metadata,
        place,
      };
      if (o.json) return printJson(out);
      const w = (s: string) => process.stdout.write(s + '\n');
      w(`${out.name}: ${out.mime ?? 'unrecognised content'}, ${formatBytes(out.size)}, sha256 ${hash}`);
      w(
        out.importable
          ? 'importable'
          : `not importable: ${out.skipReason ?? 'content is not a photo or video'}`,
      );
      if (inLibrary !== undefined) w(inLibrary ? 'already in the library' : 'not in the library');
      if (side) w(`XMP sidecar: ${JSON.stringify(side)}`);
      if (metadata && 'error' in metadata) w(`metadata unreadable: ${metadata.error}`);
      else if (metadata) {
        const m = metadata;
        const ct = m.captureTime;
        const off =
          ct.offsetMinutes === undefined
            ? 'offset unknown'
            : `UTC${ct.offsetMinutes >= 0 ? '+' : '-'}${String(Math.floor(Math.abs(ct.offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(ct.offsetMinutes) % 60).padStart(2, '0')}`;
        w(`taken:       ${ct.local} (${off}, from ${ct.source}${ct.zone ? `, zone ${ct.zone}` : ''})`);
        if (m.width)
          w(`size:        ${m.width}×${m.height}${m.orientation ? ` (orientation ${m.orientation})` : ''}`);
        if (m.camera)
          w(`camera:      ${[m.camera.make, m.camera.model, m.camera.lens].filter(Boolean).join(' ')}`);
        if (m.gps) w(`GPS:         ${m.gps.latitude.toFixed(5)}, ${m.gps.longitude.toFixed(5)}`);
        if (place) w(`place:       ${place}`);
        if (m.rating !== undefined) w(`rating:      ${m.rating}`);
        if (m.keywords?.length || m.tags?.length)
          w(`tags:        ${(m.keywords ?? m.tags ?? []).join(', ')}`);
        if (m.description) w(`description: ${m.description}`);
        if (m.livePhotoId) w(`live photo:  content id ${m.livePhotoId}`);
        if (m.motionPhoto) w(`motion photo: ${m.motionPhoto.vendor}, embedded video`);
        if (m.video) w(`video:       ${m.video.durationS ?? '?'} s, ${m.video.codec ?? '?'}`);
        for (const x of m.warnings) w(`warning:     ${x}`);
      }
    });
}
