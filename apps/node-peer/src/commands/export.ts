import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportLibrary } from '../exporter.ts';
import { openLibrary } from '../library.ts';
import { checkTemplate, DEFAULT_TEMPLATE } from '../storage-template.ts';
import { configOf, printJson } from './common.ts';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write the originals as a plain folder tree with XMP sidecars holding your edits (no lock-in)',
    )
    .argument('<dir>', 'where to write')
    .option(
      '--template <template>',
      'path template; tokens {yyyy} {yy} {MM} {dd} {HH} {mm} {ss} {filename} {filestem} {ext} {type} {album} {id}',
      DEFAULT_TEMPLATE,
    )
    .option('--copy', 'always copy (default: hard link where the file system allows)')
    .option('--json', 'machine-readable report')
    .action(async (dir: string, o: { template: string; copy?: boolean; json?: boolean }, cmd: Command) => {
      checkTemplate(o.template);
      const lib = await openLibrary(configOf(cmd).dataDir);
      try {
        const target = resolve(dir);
        const r = await exportLibrary(lib.catalog.assets(), lib.blobs, target, {
          template: o.template,
          ...(o.copy ? { copy: true } : {}),
        });
        // linked/copied: `hearth status` tells a real second copy from hard links on this disk.
        await lib.audit.append('export', {
          dir: target,
          assets: r.exported,
          template: o.template,
          linked: r.linked,
          copied: r.copied,
        });
        if (o.json) printJson(r);
        else {
          process.stdout.write(
            `exported ${r.exported} to ${target} (${r.linked} hard-linked, ${r.copied} copied, ${r.unchanged} already there), ${r.sidecars} XMP sidecars\n`,
          );
          for (const f of r.failed) process.stdout.write(`  failed ${f.id}: ${f.reason}\n`);
        }
        if (r.failed.length) process.exitCode = 6;
      } finally {
        await lib.stop();
      }
    });
}
