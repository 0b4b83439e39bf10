import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asAssetId } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import type { AssetRecord } from './asset-record.ts';
import { StepFailedError } from './errors.ts';
import { createJsonlCatalog } from './node-catalog.jsonl.ts';
import type { PipelineStep } from './pipeline-step.ts';
import { createReconcileLoop } from './reconcile-loop.ts';

/** Run after each test, last first: loops stop before their catalog and store, the dir goes last. */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A reconcile loop stopped after the test even when an expectation fails first (stop is idempotent). */
function loopOf(opts: Parameters<typeof createReconcileLoop>[0]) {
  const l = createReconcileLoop(opts);
  cleanup.push(() => l.stop());
  return l;
}

/** A real step (it reads the original and writes a derived blob); `gate` lets the test hold jobs in flight. */
function upperStep(calls: string[], gate?: Promise<void>): PipelineStep {
  return {
    kind: 'upper',
    version: 1,
    appliesTo: (a) => a.type === 'photo',
    async run(a, { originalPath, signal }) {
      calls.push(a.fileName);
      await gate;
      signal.throwIfAborted();
      const text = await readFile(originalPath, 'utf8');
      if (text.startsWith('bad')) throw new StepFailedError('upper', a.fileName, 'cannot read it');
      return {
        blobs: { upper: new TextEncoder().encode(text.toUpperCase()) },
        values: { length: text.length },
      };
    },
  };
}

async function library(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-rl-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const blobs = createFsBlobStore({ root: join(dir, 'blobs') });
  await blobs.start();
  cleanup.push(() => blobs.stop());
  const catalog = createJsonlCatalog(join(dir, 'catalog'));
  await catalog.start();
  cleanup.push(() => catalog.stop());
  for (let i = 0; i < n; i++) {
    const { hash } = await blobs.put(new TextEncoder().encode(i === 0 ? 'bad' : `photo ${i}`));
    const rec: AssetRecord = {
      id: asAssetId(hash),
      original: hash,
      type: 'photo',
      mime: 'image/jpeg',
      size: 7,
      fileName: `p${i}`,
      importedAt: 0,
    };
    await catalog.add(rec);
  }
  return { dir, blobs, catalog };
}

describe('reconcile loop', () => {
  it('makes every missing derivative once, records permanent failures, and after a restart repeats nothing finished', async () => {
    const { dir, blobs, catalog } = await library(12);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls1: string[] = [];
    const loop1 = loopOf({ catalog, blobs, steps: [upperStep(calls1, gate)], concurrency: 3 });
    await loop1.start();
    // Let a first batch finish, then stop while the next batch is in flight.
    await expect.poll(() => calls1.length).toBe(3);
    release();
    await expect.poll(() => loop1.status().kinds['upper']?.done ?? 0).toBeGreaterThanOrEqual(3);
    await loop1.stop();
    const finished = new Set(
      [...catalog.assets()].filter((a) => catalog.derived(a.id).get('upper')).map((a) => a.fileName),
    );
    expect(finished.size).toBeGreaterThanOrEqual(2);

    const catalog2 = createJsonlCatalog(join(dir, 'catalog'));
    await catalog2.start();
    cleanup.push(() => catalog2.stop());
    const calls2: string[] = [];
    const loop2 = loopOf({
      catalog: catalog2,
      blobs,
      steps: [upperStep(calls2)],
      concurrency: 3,
    });
    await loop2.start();
    await loop2.idle();
    await loop2.stop();
    for (const f of calls2) expect(finished.has(f)).toBe(false);
    expect(loop2.status().kinds['upper']).toMatchObject({ pending: 0, running: 0, failed: 1, done: 11 });
    for (const a of catalog2.assets()) {
      const d = catalog2.derived(a.id).get('upper');
      expect(d).toBeDefined();
      if (a.fileName === 'p0') expect(d?.failed).toMatch(/cannot read it/);
      else {
        expect(await blobs.has(d!.blobs['upper']!)).toBe(true);
        expect(d!.values?.['length']).toBeGreaterThan(0);
      }
    }
    await Promise.all([catalog.stop(), catalog2.stop()]);
  });

  it('remakes a derivative whose blob went missing or whose step version rose', async () => {
    const { blobs, catalog } = await library(3);
    const calls: string[] = [];
    const l1 = loopOf({ catalog, blobs, steps: [upperStep(calls)], concurrency: 2 });
    await l1.start();
    await l1.idle();
    await l1.stop();
    const victim = [...catalog.assets()].find((a) => a.fileName === 'p1')!;
    await blobs.delete(catalog.derived(victim.id).get('upper')!.blobs['upper']!);
    calls.length = 0;
    const l2 = loopOf({ catalog, blobs, steps: [upperStep(calls)], concurrency: 2 });
    await l2.start();
    await l2.idle();
    await l2.stop();
    expect(calls).toEqual(['p1']);
    calls.length = 0;
    const l3 = loopOf({
      catalog,
      blobs,
      steps: [{ ...upperStep(calls), version: 2 }],
      concurrency: 2,
    });
    await l3.start();
    await l3.idle();
    await l3.stop();
    expect(calls.sort()).toEqual(['p0', 'p1', 'p2']);
    await catalog.stop();
  });

  it('redoes a keyed step (ML) when its models key changes, failures included, and honours the step concurrency', async () => {
    const { blobs, catalog } = await library(4);
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const keyed = (key: string): PipelineStep => {
      const base = upperStep(calls);
      return {
        ...base,
        key,
        concurrency: 1,
        async run(a, ctx) {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await base.run(a, ctx);
          } finally {
            inFlight--;
          }
        },
      };
    };
    const run = async (key: string) => {
      calls.length = 0;
      const l = loopOf({ catalog, blobs, steps: [keyed(key)], concurrency: 4 });
      await l.start();
      await l.idle();
      await l.stop();
      return calls.sort();
    };
    expect(await run('m@1')).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(maxInFlight).toBe(1);
    const p1 = [...catalog.assets()].find((a) => a.fileName === 'p1')!;
    expect(catalog.derived(p1.id).get('upper')?.values).toEqual({ length: 7, model: 'm@1' });
    expect(await run('m@1')).toEqual([]);
    // p0 failed at m@1: a new model deserves another try.
    expect(await run('m@2')).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(catalog.derived(p1.id).get('upper')?.values?.['model']).toBe('m@2');
    await catalog.stop();
  });

  it('stays idle while a poll looks at the catalog and finds nothing new, and is busy while it finds something', async () => {
    const { blobs, catalog } = await library(2);
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const loop = loopOf({ catalog, blobs, steps: [upperStep(calls)], concurrency: 1 });
    await loop.start();
    await loop.idle();
    expect(calls.sort()).toEqual(['p0', 'p1']);
    // The catalog's next look is held open: a poll with nothing new must not read as work.
    const refresh = catalog.refresh.bind(catalog);
    let looking!: () => void;
    const looked = new Promise<void>((r) => (looking = r));
    catalog.refresh = async () => {
      looking();
      await new Promise<void>((r) => (release = r));
      return refresh();
    };
    // A failed expectation must not leave the look held open (the loop's stop waits for it).
    cleanup.push(async () => release?.());
    loop.poke();
    await looked;
    expect(loop.status().idle).toBe(true);
    release?.();
    await loop.idle();
    // An added asset is work from the moment it arrives until its step has run.
    catalog.refresh = refresh;
    const { hash } = await blobs.put(new TextEncoder().encode('photo new'));
    await catalog.add({
      id: asAssetId(hash),
      original: hash,
      type: 'photo',
      mime: 'image/jpeg',
      size: 9,
      fileName: 'p-new',
      importedAt: 0,
    });
    expect(loop.status().idle).toBe(false);
    await loop.idle();
    expect(calls).toContain('p-new');
    expect(loop.status().idle).toBe(true);
  });

  it('gives the event loop turns during a long pass (a start, HTTP and timers are not held up)', async () => {
    // Records written as a journal, all for one original: only the pass's own work counts here.
    const dir = mkdtempSync(join(tmpdir(), 'hearth-rl-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const n = 3000;
    const lines = Array.from({ length: n }, (_, i) => {
      const id = (i.toString(16).padStart(8, '0') + 'a'.repeat(56)) as never;
      const asset = {
        id,
        original: id,
        type: 'photo',
        mime: 'image/jpeg',
        size: 1,
        fileName: `p${i}`,
        importedAt: 0,
      };
      return JSON.stringify({ op: 'add', asset });
    });
    await mkdir(join(dir, 'catalog'));
    await writeFile(join(dir, 'catalog', 'catalog.jsonl'), lines.join('\n') + '\n');
    const catalog = createJsonlCatalog(join(dir, 'catalog'));
    await catalog.start();
    cleanup.push(() => catalog.stop());
    expect([...catalog.assets()].length).toBe(n);
    // A step that applies to nothing: the pass then never waits on anything of its own.
    let considered = 0;
    const step: PipelineStep = {
      kind: 'none',
      version: 1,
      appliesTo: () => (considered++, false),
      run: () => Promise.reject(new Error('not called')),
    };
    const blobs = createFsBlobStore({ root: join(dir, 'blobs') });
    const loop = loopOf({ catalog, blobs, steps: [step], concurrency: 1 });
    const idle = loop.start().then(() => loop.idle());
    // What other work sees at each turn of the event loop until the pass is over.
    const seen: number[] = [];
    let done = false;
    void idle.then(() => (done = true));
    while (!done) seen.push(await new Promise<number>((r) => setImmediate(() => r(considered))));
    expect(considered).toBe(n);
    expect(seen.some((c) => c > 0 && c < n)).toBe(true);
  });
});
