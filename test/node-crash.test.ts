import { createHash } from 'node:crypto';
import { readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasFixtures, makeDistinctJpegs, runCli, spawnCli } from '@hearth/node-peer/testing';
import { testDir } from './support/test-cleanup.ts';

/** The issue asks for 20 runs; HEARTH_CRASH_RUNS lowers it while developing. */
const RUNS = Number(process.env['HEARTH_CRASH_RUNS'] ?? 20);
const FILES = 200;

describe.skipIf(!hasFixtures)('crash safety', () => {
  it(`SIGKILL at random moments during an import of ${FILES} files, ${RUNS} times: every file once, blobs and audit log verify`, async () => {
    const d = testDir('crash');
    const src = testDir('crash-src');
    const files = await makeDistinctJpegs(src, FILES, 'crash');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    let kills = 0;
    let completed = 0;
    for (let run = 0; run < RUNS; run++) {
      const p = spawnCli(['--data-dir', d, 'import', src, '--json']);
      // The kill moment is driven by the import's own writes: after a random number (1–15)
      // of catalog appends, plus a random 0–30 ms so it also lands inside blob copies.
      const target = 1 + Math.floor(Math.random() * 15);
      let seen = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const w = watch(join(d, 'catalog'), () => {
        if (++seen === target)
          timer = setTimeout(() => p.child.kill('SIGKILL'), Math.floor(Math.random() * 30));
      });
      const { code, signal } = await p.exited;
      w.close();
      clearTimeout(timer);
      if (signal === 'SIGKILL') kills++;
      else {
        expect(code, p.output()).toBe(0);
        completed++;
      }
    }
    // Restart and finish.
    const last = await runCli(['--data-dir', d, 'import', src, '--json']);
    expect(last.code, last.stderr).toBe(0);
    const rep = JSON.parse(last.stdout) as { imported: unknown[]; duplicates: unknown[]; failed: unknown[] };
    expect(rep.failed).toEqual([]);
    expect(rep.imported.length + rep.duplicates.length).toBe(FILES);

    const ls = await runCli(['--data-dir', d, 'ls', '--json']);
    const ids = ls.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.length).toBe(FILES);
    const want = new Set(files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex')));
    expect(new Set(ids)).toEqual(want);

    const v = await runCli(['--data-dir', d, 'verify', '--json']);
    const vr = JSON.parse(v.stdout) as {
      ok: boolean;
      blobs: { blobsChecked: number; missing: unknown[] };
      audit: { ok: boolean };
    };
    expect(vr.ok, v.stdout).toBe(true);
    expect(vr.audit.ok).toBe(true);
    // Every derivative the pipeline defines exists.
    const st = JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as {
      derivatives: Record<string, { missing: number }>;
    };
    for (const [kind, x] of Object.entries(st.derivatives)) expect(x.missing, kind).toBe(0);
    expect(kills + completed).toBe(RUNS);
    expect(kills).toBeGreaterThan(0);
  }, 600_000);
});
