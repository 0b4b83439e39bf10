import type { Command } from 'commander';
import { readDaemonInfo } from '../daemon-lock.ts';
import { openLibrary } from '../library.ts';
import { libraryStatus } from '../library-status.ts';
import { createPipeline } from '../pipeline.ts';
import { formatTags, mlSummary } from '../ml-summary.ts';
import { countPeople } from '../people-count.ts';
import { backupLines, backupStatus } from '../backups.ts';
import { replicationLines, type ReplicationStatus } from '../replication-status.ts';
import { importLine, readImportProgress } from '../import-progress.ts';
import { configOf, formatBytes, printJson } from './common.ts';

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
              reconcile?: {
                idle: boolean;
                kinds: Record<string, { pending: number; running: number; current?: string }>;
              };
              devicesOnline?: number;
              addresses?: string[];
              replication?: ReplicationStatus | null;
              ml?: { people?: number | null };
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
        const facesKey = pipeline.ml.find((f) => f.kind === 'faces' && f.enabled)?.key;
        // With a daemon, its people loop's count; without, the stored people document's.
        const people = await countPeople(lib, facesKey, daemon ? live?.ml?.people : undefined);
        const ml = {
          enabled: cfg.ml,
          features: pipeline.ml,
          ...mlSummary(lib.catalog),
          people: people?.people ?? null,
          peopleFrom: people?.from ?? null,
        };
        const audit = await lib.audit.entries();
        const auditEntries = audit.length;
        const backups = await backupStatus(lib.layout.root, audit, lib.catalog.assets());
        // The latest `hearth import` (its own process leaves its progress in the data dir).
        const importProgress = await readImportProgress(lib.layout.root);
        const out = {
          ...st,
          // A second home node: whom it joined from (pairing and revocation happen there).
          joined: lib.membership
            ? {
                homeNode: lib.membership.homeNode,
                joinedAt: lib.membership.joinedAt,
                revokedAt: lib.membership.revokedAt ?? null,
              }
            : null,
          daemon: daemon ?? null,
          derivatives,
          ml,
          reconcile: live?.reconcile ?? null,
          devicesOnline: live?.devicesOnline ?? null,
          replication: live?.replication ?? null,
          auditEntries,
          backups,
          import: importProgress,
        };
        if (opts.json) return printJson(out);
        const w = (s: string) => process.stdout.write(s + '\n');
        w(`library ${st.name} (${st.libraryId}) in ${st.dataDir}`);
        if (lib.membership)
          w(
            `second home node: joined from ${lib.membership.homeNode} on ${new Date(lib.membership.joinedAt).toISOString().slice(0, 10)}; it pins everything (pairing and revocation happen there)`,
          );
        if (lib.membership?.revokedAt !== undefined)
          w(
            `REVOKED: the library removed this node on ${new Date(lib.membership.revokedAt).toISOString().slice(0, 16)}; it no longer syncs (its blobs stay on disk)`,
          );
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
              : `reconcile loop: ${busy.map(([n, k]) => `${n} ${k.running} running, ${k.pending} queued${k.current ? ` (${k.current})` : ''}`).join('; ')}`,
          );
        }
        const imp = importLine(importProgress);
        if (imp) w(imp);
        if (live) for (const line of replicationLines(live.replication)) w(line);
        for (const [k, d] of Object.entries(derivatives)) w(`${k}: ${d.done} done, ${d.missing} to do`);
        if (!cfg.ml) w('ml: off (config ml / HEARTH_ML)');
        for (const f of pipeline.ml)
          w(f.enabled ? `ml ${f.kind}: on (${f.key ?? ''})` : `ml ${f.kind}: disabled: ${f.reason ?? ''}`);
        if (cfg.ml)
          w(
            `ml results: ${ml.faces} faces in ${ml.photosWithFaces} photos, ${ml.people ?? 0} people${ml.peopleFrom === 'estimate' ? ' (estimated: no daemon has clustered them yet)' : ''}, tags ${formatTags(ml.tags)}`,
          );
        w(`audit log: ${auditEntries} entries`);
        for (const line of backupLines(backups)) w(line);
      } finally {
        await lib.stop();
      }
    });
}
