/**
 * The ML document: where each month's machine results are, for devices that search offline.
 *
 * Machine tags, OCR text and CLIP embeddings have one writer (the home node) and are
 * replaced whole when a model changes, so they need no CRDT merge. They travel as
 * content-addressed blobs, one per month and kind (`text`: tags + OCR of the month's
 * photos; `clip`: the month's CLIP embedding shard), and this small document only says which
 * blob is current: about 2 × 12 entries a year, however many photos there are (measured:
 * see docs/benchmarks.md, ml-sync-size). People per photo need nothing here: the people
 * document's face keys (`assetId/faceIndex`) already name the photo.
 *
 * `devices` is the one part with other writers: a device that analysed its own imports while
 * no home node was reachable records its results there, under its own device id (so no two
 * writers share a key), one immutable JSON string per asset and kind with the model key that
 * made it. The node adopts a result whose model key equals its own instead of running the
 * model again, and the device's tags are searchable at once, offline.
 */
import type { ImmutableString } from '@automerge/automerge';
import type { BlobHash } from '../ids.ts';
import { bad, finite, isObject, ok, text, type Checked } from './schema-check.ts';

/** The kinds of month blob the ML document points at. */
export const ML_BLOB_KINDS = ['text', 'clip'] as const;
export type MlBlobKind = (typeof ML_BLOB_KINDS)[number];

/** One month's blob of one kind, as stored. */
export interface MlMonthRecord {
  hash: ImmutableString;
  /** models key(s) of the results in it (`id@version`, `;`-joined for several) */
  models: ImmutableString;
  /** digest of what the blob was built from, so the writer rebuilds only what changed */
  source: ImmutableString;
  /** photos in it */
  assets: number;
  updatedAt: number;
}

export interface MlDoc {
  schema: 1;
  kind: 'ml';
  /** month (`YYYY-MM`) → blob of tags and OCR text */
  text: Record<string, MlMonthRecord>;
  /** month → CLIP embedding shard */
  clip: Record<string, MlMonthRecord>;
  /**
   * Model files the home node publishes for devices, by task, as content-addressed blobs: the
   * CLIP text encoder and vocabulary that match the CLIP shards (`clip-text`, `clip-vocab`), and
   * the models a device runs on its own imports (faces, YOLOX tags, OCR, `clip-image`). Absent
   * in documents written before models were published (and in the genesis change).
   */
  models?: Record<string, MlModelRecord>;
  /**
   * device id → asset id → kind (`faces`, `tags`, `ocr`, `clip`) → a device's own results for
   * its imports (a CLIP result is the node's one-vector shard, base64: ~0.9 KB at 512 dims).
   * Absent until a device writes one.
   */
  devices?: Record<string, Record<string, Record<string, MlDeviceResultRecord>>>;
  /**
   * The home node's word that it recorded results of its own (adopted or run) for an asset some
   * device has results for: asset id → the kinds (`,`-joined). A device then removes those kinds
   * from its entry (it is their only writer), and the node drops the asset here once no device
   * entry for it is left, so neither map keeps growing (~4 KB per face otherwise, forever).
   */
  recorded?: Record<string, ImmutableString>;
}

/** One device-made result, as stored: the models key and the result as JSON (its format is the kind's). */
export interface MlDeviceResultRecord {
  model: ImmutableString;
  json: ImmutableString;
  at: number;
}

/** The kinds of result a device records for its own imports. */
export const ML_DEVICE_KINDS = ['faces', 'tags', 'ocr', 'clip'] as const;
export type MlDeviceKind = (typeof ML_DEVICE_KINDS)[number];

/** A device-made result as read. */
export interface MlDeviceResult {
  model: string;
  json: string;
  at: number;
}

/** One published model file, as stored. */
export interface MlModelRecord {
  /** the registry's model key (`id@version`) */
  key: ImmutableString;
  /** its SHA-256: the blob hash devices fetch it by */
  hash: ImmutableString;
  bytes: number;
  updatedAt: number;
}

export function emptyMl(): MlDoc {
  return { schema: 1, kind: 'ml', text: {}, clip: {} };
}

/** A month blob reference as read (plain strings). */
export interface MlMonthRef {
  hash: BlobHash;
  models: string;
  source: string;
  assets: number;
  updatedAt: number;
}

/** A published model file as read (plain strings). */
export interface MlModelRef {
  key: string;
  hash: BlobHash;
  bytes: number;
  updatedAt: number;
}

/** The ML document as plain data; malformed entries are skipped and listed. */
export interface MlState {
  text: Map<string, MlMonthRef>;
  clip: Map<string, MlMonthRef>;
  /** task → published model file */
  models: Map<string, MlModelRef>;
  /** asset id → kind → device id → that device's result (see `MlDoc.devices`) */
  deviceResults: Map<string, Map<MlDeviceKind, Map<string, MlDeviceResult>>>;
  /** asset id → kinds the home node holds results of its own for (see `MlDoc.recorded`) */
  recorded: Map<string, MlDeviceKind[]>;
  invalid: string[];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Reads one month reference, or undefined when it is malformed. */
export function readMlMonthRef(v: unknown): MlMonthRef | undefined {
  if (!isObject(v)) return undefined;
  const hash = text(v['hash']);
  const models = text(v['models']);
  const source = text(v['source']);
  const assets = finite(v['assets']);
  const updatedAt = finite(v['updatedAt']);
  if (hash === undefined || !HEX64.test(hash) || models === undefined || source === undefined)
    return undefined;
  if (assets === undefined || updatedAt === undefined) return undefined;
  return { hash: hash as BlobHash, models, source, assets, updatedAt };
}

/** Reads one published model reference, or undefined when it is malformed. */
export function readMlModelRef(v: unknown): MlModelRef | undefined {
  if (!isObject(v)) return undefined;
  const key = text(v['key']);
  const hash = text(v['hash']);
  const bytes = finite(v['bytes']);
  const updatedAt = finite(v['updatedAt']);
  if (key === undefined || !/^[^@\s]+@\S+$/.test(key) || hash === undefined || !HEX64.test(hash))
    return undefined;
  if (bytes === undefined || bytes < 0 || updatedAt === undefined) return undefined;
  return { key, hash: hash as BlobHash, bytes, updatedAt };
}

/** Validates an ML document from a peer or a file. */
export function readMlState(doc: unknown): Checked<MlState> {
  if (!isObject(doc)) return bad('not an object');
  if (doc['kind'] !== 'ml' || doc['schema'] !== 1) return bad('not a schema-1 ML document');
  const out: MlState = {
    text: new Map(),
    clip: new Map(),
    models: new Map(),
    deviceResults: new Map(),
    recorded: new Map(),
    invalid: [],
  };
  for (const kind of ML_BLOB_KINDS) {
    const map = doc[kind];
    if (!isObject(map)) {
      out.invalid.push(`${kind} is not a map`);
      continue;
    }
    for (const [month, v] of Object.entries(map)) {
      const ref = MONTH.test(month) ? readMlMonthRef(v) : undefined;
      if (ref) out[kind].set(month, ref);
      else out.invalid.push(`${kind}[${month}] malformed`);
    }
  }
  const models = doc['models'];
  if (models !== undefined && !isObject(models)) out.invalid.push('models is not a map');
  else
    for (const [task, v] of Object.entries(models ?? {})) {
      const ref = readMlModelRef(v);
      if (ref) out.models.set(task, ref);
      else out.invalid.push(`models[${task}] malformed`);
    }
  readDeviceResults(doc['devices'], out);
  readRecorded(doc['recorded'], out);
  return ok(out);
}

const KINDS: readonly string[] = ML_DEVICE_KINDS;

function readRecorded(recorded: unknown, out: MlState): void {
  if (recorded === undefined) return;
  if (!isObject(recorded)) return void out.invalid.push('recorded is not a map');
  for (const [asset, v] of Object.entries(recorded)) {
    const kinds = text(v)?.split(',');
    if (!HEX64.test(asset) || !kinds?.every((k) => KINDS.includes(k))) {
      out.invalid.push(`recorded[${asset}] malformed`);
      continue;
    }
    out.recorded.set(asset, kinds as MlDeviceKind[]);
  }
}

function readDeviceResults(devices: unknown, out: MlState): void {
  if (devices === undefined) return;
  if (!isObject(devices)) return void out.invalid.push('devices is not a map');
  for (const [device, assets] of Object.entries(devices)) {
    if (!isObject(assets)) {
      out.invalid.push(`devices[${device}] is not a map`);
      continue;
    }
    for (const [asset, kinds] of Object.entries(assets)) {
      if (!HEX64.test(asset) || !isObject(kinds)) {
        out.invalid.push(`devices[${device}][${asset}] malformed`);
        continue;
      }
      for (const [kind, v] of Object.entries(kinds)) {
        const model = isObject(v) ? text(v['model']) : undefined;
        const json = isObject(v) ? text(v['json']) : undefined;
        const at = isObject(v) ? finite(v['at']) : undefined;
        if (!KINDS.includes(kind) || !model || json === undefined || at === undefined) {
          out.invalid.push(`devices[${device}][${asset}][${kind}] malformed`);
          continue;
        }
        const byKind = out.deviceResults.get(asset) ?? new Map<MlDeviceKind, Map<string, MlDeviceResult>>();
        out.deviceResults.set(asset, byKind);
        const byDevice = byKind.get(kind as MlDeviceKind) ?? new Map<string, MlDeviceResult>();
        byKind.set(kind as MlDeviceKind, byDevice);
        byDevice.set(device, { model, json, at });
      }
    }
  }
}
