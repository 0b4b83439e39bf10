/**
 * What the home node's models found, as search words per photo (runs in the peer worker):
 * machine tags and OCR text from the month blobs the synced ML document points at, and the
 * names of the people in a photo from the synced people document (face keys are
 * `assetId/faceIndex`), and the tags and OCR text devices found themselves for their own imports
 * (the ML document's `devices` map) until the node's month has the photo. Month blobs are fetched from the home node once and kept in an
 * `MlBlobCache`, so search covers them offline; a month that cannot be fetched now (offline,
 * never fetched) is retried on the next change and every `retryMs`, and meanwhile answers with
 * the blob it was read from before, if any (also after a reload: `month-blobs.ts`).
 */
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import { decodeMlMonthText, readStoredOcr, readStoredTags, type MlAssetText } from '@hearth/ml';
import {
  findMlCatalog,
  openPeopleCatalog,
  type MlCatalog,
  type MlState,
  type PeopleCatalog,
  type RootDoc,
} from '@hearth/sync';
import { followMlDocument } from './follow-ml-document.ts';
import type { MlBlobCache } from './ml-blob-cache.idb.ts';
import { createMonthBlobs } from './month-blobs.ts';

/** Search words of one photo from machine results. */
export interface MlWords {
  tags: string[];
  ocr?: string;
  /** names of the (named, visible) people in it */
  people: string[];
}

export interface MlSearchSource {
  /** resolves once the documents and the cached (or fetchable) month blobs are read */
  readonly ready: Promise<void>;
  words(assetId: string): MlWords | undefined;
  /** `assets` whose words changed */
  onChange(listener: (assets: string[]) => void): () => void;
  stop(): void;
}

export interface MlSearchSourceOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  cache: MlBlobCache;
  /** a month blob from the home node, hash-checked (rejects offline) */
  fetchBlob(hash: string): Promise<Uint8Array>;
  retryMs?: number;
}

export function createMlSearchSource(opts: MlSearchSourceOptions): MlSearchSource {
  const listeners = new Set<(assets: string[]) => void>();
  /** month → [blob hash, its assets' results] */
  const months = new Map<string, { hash: string; assets: Map<string, MlAssetText> }>();
  /** asset → its results (from whichever month holds it) */
  const text = new Map<string, MlAssetText>();
  /** asset → names of people in it */
  let names = new Map<string, string[]>();
  let ml: MlCatalog | undefined;
  let people: PeopleCatalog | undefined;
  const offs: (() => void)[] = [];
  const emit = (ids: Iterable<string>) => {
    const list = [...new Set(ids)];
    if (list.length) for (const l of listeners) l(list);
  };

  /** the month blobs, and which one each month was last read from (offline reloads) */
  const blobs = createMonthBlobs(opts.cache, opts.fetchBlob);

  async function loadMonths(): Promise<void> {
    if (!ml) return;
    const state = ml.read();
    const refs = state.text;
    const touched: string[] = loadDeviceWords(state.deviceResults);
    let pending = false;
    for (const [month, ref] of refs) {
      if (months.get(month)?.hash === ref.hash) continue;
      let assets: Map<string, MlAssetText>, hash: string;
      try {
        const got = await blobs.read(month, ref.hash, months.has(month));
        if (got.older) {
          pending = true; // the listed one is fetched once the node is back
          follower.retryLater();
        }
        hash = got.hash;
        if (months.get(month)?.hash === hash) continue;
        assets = new Map(Object.entries((await decodeMlMonthText(got.bytes)).assets));
      } catch (e) {
        pending = true; // offline, or a bad blob: the next change or retry tries again
        follower.retryLater();
        console.info(`ML results of ${month} not available now:`, e);
        continue;
      }
      for (const id of months.get(month)?.assets.keys() ?? []) {
        text.delete(id);
        touched.push(id);
      }
      for (const [id, t] of assets) {
        text.set(id, t);
        touched.push(id);
      }
      months.set(month, { hash, assets });
    }
    for (const month of [...months.keys()])
      if (!refs.has(month)) {
        for (const id of months.get(month)?.assets.keys() ?? []) {
          text.delete(id);
          touched.push(id);
        }
        months.delete(month);
      }
    const now = new Map([...months].map(([m, { hash }]) => [m, hash]));
    await blobs.record(now);
    if (!pending) await opts.cache.retain(new Set([...refs.values()].map((r) => r.hash))).catch(() => {});
    emit(touched);
  }

  /** asset → tags a device found itself (its own imports, analysed while no node was reachable) */
  let deviceTags = new Map<string, string[]>();
  /** asset → text a device read in it itself (OCR) */
  let deviceOcr = new Map<string, string>();
  function loadDeviceWords(results: MlState['deviceResults']): string[] {
    const next = new Map<string, string[]>();
    const nextOcr = new Map<string, string>();
    for (const [asset, kinds] of results) {
      for (const r of kinds.get('tags')?.values() ?? []) {
        const tags = readStoredTags(r.json);
        if (tags?.length)
          next.set(asset, [...new Set([...(next.get(asset) ?? []), ...tags.map((t) => t.label)])]);
      }
      const texts = [...(kinds.get('ocr')?.values() ?? [])].map((r) => readStoredOcr(r.json)?.text);
      const text = [...new Set(texts.filter(Boolean))].join('\n');
      if (text) nextOcr.set(asset, text);
    }
    const touched = [...deviceTags.keys(), ...next.keys(), ...deviceOcr.keys(), ...nextOcr.keys()].filter(
      (id) =>
        (deviceTags.get(id) ?? []).join('\0') !== (next.get(id) ?? []).join('\0') ||
        deviceOcr.get(id) !== nextOcr.get(id),
    );
    deviceTags = next;
    deviceOcr = nextOcr;
    return touched;
  }

  function loadPeople(): void {
    if (!people) return;
    const state = people.read();
    const next = new Map<string, string[]>();
    for (const [face, person] of people.faceAssignments()) {
      const p = state.people[person];
      if (!p || p.hidden || !p.name) continue;
      const asset = face.slice(0, face.lastIndexOf('/'));
      const list = next.get(asset) ?? [];
      if (!list.includes(p.name)) list.push(p.name);
      next.set(asset, list);
    }
    const touched = [...names.keys(), ...next.keys()].filter(
      (id) => (names.get(id) ?? []).join('\0') !== (next.get(id) ?? []).join('\0'),
    );
    names = next;
    emit(touched);
  }

  // Documents open once the root lists them (the home node creates them); changes are serialised.
  const follower = followMlDocument({
    root: opts.root,
    label: 'ML search words',
    ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
    async step() {
      const r = opts.root.doc();
      try {
        if (!ml && r?.ml) {
          ml = await findMlCatalog({ repo: opts.repo, root: opts.root });
          if (ml) offs.push(ml.onChange(() => void follower.run(loadMonths)));
        }
        if (!people && r?.people) {
          people = await openPeopleCatalog({ repo: opts.repo, root: opts.root });
          offs.push(people.onChange(() => void follower.run(loadPeople)));
        }
      } catch (e) {
        // Listed but not here yet and no peer has it now (offline before its first sync).
        follower.retryLater();
        console.info('ML or people document not available yet:', e);
      }
      await loadMonths();
      loadPeople();
    },
  });
  const ready = follower.ready;

  return {
    ready,
    words(id) {
      const n = names.get(id);
      const t = text.get(id);
      // The node's results once its month has the photo; until then, a device's own tags and text.
      const d = t?.tags ? undefined : deviceTags.get(id);
      const o = t ? t.ocr : deviceOcr.get(id);
      if (!t && !n && !d && !o) return undefined;
      const w: MlWords = { tags: t?.tags?.map((x) => x.label) ?? d ?? [], people: n ?? [] };
      if (o) w.ocr = o;
      return w;
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      follower.stop();
      for (const off of offs.splice(0)) off();
    },
  };
}
