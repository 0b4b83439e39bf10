import type { Command } from 'commander';
import { VerifyFailedError } from '../errors.ts';
import { openLibrary } from '../library.ts';
import { scrub } from '../scrub.ts';
import { configOf, printJson } from './common.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('re-hash every blob, check every catalog reference and the audit log (exit 5 on damage)')
    .option('--repair', 'move damaged blobs to quarantine so they are fetched or remade')
    .option('--json', 'machine-readable report')
    .action(async (o: { repair?: boolean; json?: boolean }, cmd: Command) => {
      const lib = await openLibrary(configOf(cmd).dataDir);
      try {
        const blobs = await scrub(lib.catalog, lib.blobs, o.repair ? { repair: true } : {});
        const audit = await lib.audit.verify();
        const ok = blobs.corrupt.length === 0 && blobs.missing.length === 0 && audit.ok;
        if (o.json) printJson({ ok, blobs, audit });
        else {
          process.stdout.write(
            `blobs: ${blobs.blobsChecked} checked, ${blobs.corrupt.length} damaged, ${blobs.missing.length} missing\n`,
          );
          for (const h of blobs.corrupt) process.stdout.write(`  damaged ${h}\n`);
          for (const m of blobs.missing) process.stdout.write(`  missing ${m.kind} of ${m.asset}\n`);
          process.stdout.write(`audit log: ${audit.length} entries, ${audit.ok ? 'verified' : 'BROKEN'}\n`);
          for (const p of audit.problems) process.stdout.write(`  ${p}\n`);
        }
        if (!ok) throw new VerifyFailedError('verify found damage (see above)');
      } finally {
        await lib.stop();
      }
    });
}
