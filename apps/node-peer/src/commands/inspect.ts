import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { fileTypeFromFile } from 'file-type';
import { asAssetId } from '@hearth/sync';
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
      const side = await readFile(`${file}.xmp`, 'utf8').then(parseXmp).catch(() => undefined);
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
      };
      if (o.json) return printJson(out);
      const w = (s: string) => process.stdout.write(s + '\n');
      w(`${out.name}: ${out.mime ?? 'unrecognised content'}, ${formatBytes(out.size)}, sha256 ${hash}`);
      w(out.importable ? 'importable' : `not importable: ${out.skipReason ?? 'content is not a photo or video'}`);
      if (inLibrary !== undefined) w(inLibrary ? 'already in the library' : 'not in the library');
      if (side) w(`XMP sidecar: ${JSON.stringify(side)}`);
    });
}
