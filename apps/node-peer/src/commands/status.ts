import type { Command } from 'commander';
import { readDaemonInfo } from '../daemon-lock.ts';
import { readFile } from 'node:fs/promises';
import { openLibrary, type Library } from '../library.ts';
import { libraryStatus } from '../library-status.ts';
import { createPipeline } from '../pipeline.ts';
import { formatTags, mlSummary } from '../ml-summary.ts';
import { createPeopleIndex } from '../people-index.ts';
import { backupLines, backupStatus } from '../backups.ts';
import { configOf, formatBytes, printJson } from './common.ts';

/** People among the stored faces of the current face models (null when faces are off). */
async function countPeople(lib: Library, facesKey: string | undefined): Promise<number | null> {
  if (facesKey === undefined) return null;
  const { createFaceClusterer } = await import('@hearth/ml');
  const index = createPeopleIndex({
    catalog: lib.catalog,
    readBlob: (h) => readFile(lib.blobs.pathOf(h)),
    modelKey: facesKey,
    clusterer: createFaceClusterer(),
  });
  await index.update();
  return index.people().size;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('assets, bytes, the daemon, what the reconcile loop is doing, the audit log, backups')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const cfg = configOf(cmd);
      const lib = await openLibrary(cfg.dataDir);
      try {
        const st = await libraryStatus(lib);
        const daemon = await readDaemonInfo(lib.layout.daemonJson);
        let live:
          | {
              reconcile?: { idle: boolean; kinds: Record<string, { pending: number; running: number }> };
              devicesOnline?: number;
              addresses?: string[];
            }
          | undefined;
        if (daemon?.url) {
          live = (await fetch(new URL('/api/status', daemon.url))
            .then((r) => r.json())
            .catch(() => undefined)) as typeof live;
        }
        // Without a daemon, derive what is missing from the catalog (the loop's own rule).
        const derivatives: Record<string, { done: number; missing: number }> = {};
        const pipeline = await createPipeline({ ml: cfg.ml, modelsDir: cfg.modelsDir });
        for (const step of pipeline.steps) {
          const d = { done: 0, missing: 0 };
          for (const a of lib.catalog.assets()) {
            if (!step.appliesTo(a)) continue;
            const rec = lib.catalog.derived(a.id).get(step.kind);
            const current = step.key === undefined || rec?.values?.['model'] === step.key;
            if (rec && rec.version >= step.version && current) d.done++;
            else d.missing++;
          }
          derivatives[step.kind] = d;
        }
        await pipeline.stop();
        const ml = {
          enabled: cfg.ml,
          features: pipeline.ml,
          ...mlSummary(lib.catalog),
          people: await countPeople(lib, pipeline.ml.find((f) => f.kind === 'faces' && f.enabled)?.key),
        };
        const audit = await lib.audit.entries();
        const auditEntries = audit.length;
        const backups = await backupStatus(lib.layout.root, audit, lib.catalog.assets());
        const out = {
          ...st,
          daemon: daemon ?? null,
          derivatives,
          ml,
          reconcile: live?.reconcile ?? null,
          devicesOnline: live?.devicesOnline ?? null,
          auditEntries,
          backups,
        };
        if (opts.json) return printJson(out);
        const w = (s: string) => process.stdout.write(s + '\n');
        w(`library ${st.name} (${st.libraryId}) in ${st.dataDir}`);
        w(
          `assets: ${st.assets} (${st.photos} photos, ${st.videos} videos), originals ${formatBytes(st.originalBytes)}`,
        );
        w(
          daemon
            ? `daemon: running (pid ${daemon.pid}) at ${daemon.url}, ${live?.devicesOnline ?? 0} paired device(s) online`
            : 'daemon: not running (start it with `hearth start`)',
        );
        if (live?.reconcile) {
          const busy = Object.entries(live.reconcile.kinds).filter(([, k]) => k.pending + k.running > 0);
          w(
            live.reconcile.idle
              ? 'reconcile loop: idle'
              : `reconcile loop: ${busy.map(([n, k]) => `${n} ${k.running} running, ${k.pending} queued`).join('; ')}`,
          );
        }
        for (const [k, d] of Object.entries(derivatives)) w(`${k}: ${d.done} done, ${d.missing} to do`);
        if (!cfg.ml) w('ml: off (config ml / HEARTH_ML)');
        for (const f of pipeline.ml)
          w(f.enabled ? `ml ${f.kind}: on (${f.key ?? ''})` : `ml ${f.kind}: disabled: ${f.reason ?? ''}`);
        if (cfg.ml)
          w(
            `ml results: ${ml.faces} faces in ${ml.photosWithFaces} photos, ${ml.people ?? 0} people, tags ${formatTags(ml.tags)}`,
          );
        w(`audit log: ${auditEntries} entries`);
        for (const line of backupLines(backups)) w(line);
      } finally {
        await lib.stop();
      }
    });
}
