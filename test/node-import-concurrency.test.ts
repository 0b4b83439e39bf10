import { createReadStream, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, hasFixtures, makeDistinctJpegs, runCli, spawnCli } from '@hearth/node-peer/testing';
import { startHomeNode, stopOnFinish, testDir } from './support/test-cleanup.ts';

const tmp = (p: string) => testDir(p);

describe.skipIf(!hasFixtures)('import from several processes, and --watch', () => {
  it('two processes importing the same folder at once make one asset per file', async () => {
    const d = tmp('conc');
    const src = tmp('conc-src');
    await makeDistinctJpegs(src, 40, 'conc');
    await runCli(['--data-dir', d, 'init']);
    const [a, b] = await Promise.all([
      runCli(['--data-dir', d, 'import', '--no-derive', src, '--json']),
      runCli(['--data-dir', d, 'import', '--no-derive', src, '--json']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout) as { imported: unknown[]; duplicates: unknown[] };
    const rb = JSON.parse(b.stdout) as { imported: unknown[]; duplicates: unknown[] };
    expect(ra.imported.length + ra.duplicates.length).toBe(40);
    expect(rb.imported.length + rb.duplicates.length).toBe(40);
    const ls = (await runCli(['--data-dir', d, 'ls', '--json'])).stdout.trim().split('\n');
    expect(ls).toHaveLength(40);
    expect((await runCli(['--data-dir', d, 'verify'])).code).toBe(0);
  });

  it('two separate nodes (each its own data dir and running daemon) import the same folder at once: one asset per file on each, the same ids', async () => {
    const src = tmp('two-src');
    await makeDistinctJpegs(src, 24, 'two');
    const dirs = [tmp('node-a'), tmp('node-b')];
    const daemons = dirs.map((d) => startHomeNode(d));
    await Promise.all(daemons.map((p) => p.waitFor(/^ready$/m, 60_000)));
    const runs = await Promise.all(dirs.map((d) => runCli(['--data-dir', d, 'import', src, '--json'])));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { imported: unknown[] }).imported).toHaveLength(24);
    }
    const ids = await Promise.all(
      dirs.map(async (d) =>
        (await runCli(['--data-dir', d, 'ls', '--json'])).stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { id: string }).id)
          .sort(),
      ),
    );
    expect(ids[0]).toHaveLength(24);
    expect(new Set(ids[0]).size).toBe(24);
    // Content-addressed: the two libraries name every photo the same, so syncing them merges.
    expect(ids[1]).toEqual(ids[0]);
    // Each node's daemon makes its own derivatives.
    for (const d of dirs)
      await expect
        .poll(
          async () =>
            (
              JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as {
                derivatives: { images: { done: number } };
              }
            ).derivatives.images.done,
          { timeout: 120_000, interval: 1000 },
        )
        .toBe(24);
    for (const p of daemons) p.child.kill('SIGTERM');
    for (const p of daemons) expect((await p.exited).code).toBe(0);
    for (const d of dirs) expect((await runCli(['--data-dir', d, 'verify'])).code).toBe(0);
  }, 240_000);

  it('--watch imports a file copied in slowly once it stops growing, whole', async () => {
    const d = tmp('watch');
    const src = tmp('watch-src');
    await runCli(['--data-dir', d, 'init']);
    const p = spawnCli(['--data-dir', d, 'import', '--watch', '--no-derive', src]);
    stopOnFinish(p);
    await p.waitFor(/watching /);
    // Copy a real photo in small pieces with pauses, like a slow network copy: the pauses are
    // the scenario (a file that keeps growing), not a wait for the code under test.
    const photo = join(fixturesDir(), 'immich-test-assets/formats/jpg/el_torcal_rocks.jpg');
    const dest = join(src, 'slow.jpg');
    const fh = await open(dest, 'w');
    let pieces = 0;
    for await (const chunk of createReadStream(photo, { highWaterMark: 16 * 1024 })) {
      await fh.write(chunk as Buffer);
      await fh.sync();
      pieces++;
      await new Promise<void>((r) => setTimeout(r, 250));
    }
    await fh.close();
    await p.waitFor(/imported 1, duplicates 0/, 60_000);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    const ls = JSON.parse((await runCli(['--data-dir', d, 'ls', '--json'])).stdout.trim()) as {
      id: string;
      size: number;
    };
    expect(ls.size).toBe(readFileSync(photo).length);
    expect(pieces).toBeGreaterThan(2);
  });
});
