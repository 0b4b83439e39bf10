import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { importPaths, type ImportReport } from '../importer.ts';
import { createImportProgressWriter } from '../import-progress.ts';
import { createFactsReader } from '../media-facts.ts';
import { watchImport } from '../watch-import.ts';
import { configOf, printJson } from './common.ts';
import { openForWork } from './open-for-work.ts';

interface ImportFlags {
  watch?: boolean;
  album?: string[];
  json?: boolean;
  derive: boolean;
}

function printReport(r: ImportReport): void {
  const out = process.stdout;
  out.write(
    `imported ${r.imported.length}, duplicates ${r.duplicates.length}, skipped ${r.skipped.length}, failed ${r.failed.length}\n`,
  );
  for (const s of r.skipped) out.write(`  skipped ${s.path}: ${s.reason}\n`);
  for (const f of r.failed) out.write(`  failed  ${f.path}: ${f.reason}\n`);
  for (const w of r.warnings) out.write(`  warning ${w.path}: ${w.warning}\n`);
  if (r.stopped) out.write(`stopped: ${r.stopped.message}\n`);
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import photos and videos from folders and files (originals are copied untouched; duplicates and junk are skipped)',
    )
    .argument('<paths...>', 'folders and files to import')
    .option('--watch', 'keep watching the folders and import new files once they stop growing')
    .option(
      '--album <name>',
      'add every imported asset to this album (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--no-derive', 'do not make thumbnails/previews now (the daemon makes them later)')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], opts: ImportFlags, cmd: Command) => {
      const cfg = configOf(cmd);
      const { lib, daemon, loop, pipeline } = await openForWork(cfg, { derive: opts.derive });
      const tty = process.stderr.isTTY && !opts.json;
      const bar = tty
        ? new SingleBar(
            { format: 'importing [{bar}] {value}/{total} {file}', hideCursor: true, stream: process.stderr },
            Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await loop?.start();
      const facts = await createFactsReader();
      // For the daemon's status (and the app's status panel): this import runs in its own process.
      const progress = createImportProgressWriter(lib.layout.root);
      try {
        const report = await importPaths(paths, {
          blobs: lib.blobs,
          catalog: lib.catalog,
          facts,
          ...(opts.album ? { albums: opts.album } : {}),
          signal: ac.signal,
          onProgress: (done, total, file) => {
            progress.update(done, total, file);
            if (!bar) return;
            if (!started) bar.start(total, 0, { file: '' });
            started = true;
            bar.update(done, { file: file.slice(-40) });
            loop?.poke();
          },
        });
        bar?.stop();
        await progress.finish(Boolean(report.stopped) || ac.signal.aborted);
        if (report.imported.length)
          await lib.audit.append('import', {
            imported: report.imported.length,
            duplicates: report.duplicates.length,
            failed: report.failed.length,
          });
        if (loop && !ac.signal.aborted) {
          loop.poke();
          if (tty) process.stderr.write('making thumbnails and previews…\n');
          await Promise.race([loop.idle(), new Promise((r) => ac.signal.addEventListener('abort', r))]);
        }
        if (opts.json) printJson(report);
        else printReport(report);
        if (report.stopped) process.exitCode = 4;
        else if (report.failed.length) process.exitCode = 6;
        if (opts.watch && !report.stopped && !ac.signal.aborted) {
          process.stdout.write(`watching ${paths.join(', ')} (Ctrl-C stops)\n`);
          await watchImport(paths, {
            signal: ac.signal,
            run: async (files) => {
              const r = await importPaths(files, {
                blobs: lib.blobs,
                catalog: lib.catalog,
                facts,
                ...(opts.album ? { albums: opts.album } : {}),
              });
              loop?.poke();
              if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
              else printReport(r);
            },
          });
        }
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await facts.stop();
        await loop?.stop();
        await pipeline?.stop();
        // Without a daemon this process started the store: stopping it seals its pack file, so
        // later commands read the pack's index instead of re-hashing it.
        if (!daemon) await lib.blobs.stop();
        await lib.stop();
      }
    });
}
