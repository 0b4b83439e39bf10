/**
 * The node's half of pruning devices' own results: a device's entry in the ML document (its
 * faces, tags, OCR text and CLIP vector for a photo it analysed offline, ~4 KB per face) is
 * needed only until the node holds results of its own for that photo. The node says so in the
 * ML document's `recorded` map (asset → kinds); the device, the only writer of its entry,
 * removes those kinds (`device-analysis.ts`), and once no device entry for the asset is left
 * the node drops its record too. Written only when it changes.
 */
import type { AssetId, MlCatalog, MlDeviceKind } from '@hearth/sync';
import type { NodeCatalog } from './node-catalog.ts';
import type { MlKeys } from './ml-projection.ts';

const KINDS: readonly MlDeviceKind[] = ['faces', 'tags', 'ocr', 'clip'];

/** Brings `recorded` up to date with the journal; returns the assets whose record changed. */
export function recordOwnResults(opts: {
  journal: Pick<NodeCatalog, 'derived'>;
  keys: MlKeys;
  ml: MlCatalog;
}): number {
  const state = opts.ml.read();
  let changed = 0;
  for (const asset of new Set([...state.deviceResults.keys(), ...state.recorded.keys()])) {
    let kinds: MlDeviceKind[] = [];
    if (state.deviceResults.get(asset)?.size) {
      const d = opts.journal.derived(asset as AssetId);
      // A result of the current models (adopted from a device or run here) that did not fail.
      kinds = KINDS.filter((k) => {
        const r = d.get(k);
        return (
          opts.keys[k] !== undefined && r && r.failed === undefined && r.values?.['model'] === opts.keys[k]
        );
      });
    }
    const old = state.recorded.get(asset) ?? [];
    if ([...old].sort().join(',') === [...kinds].sort().join(',')) continue;
    opts.ml.setRecorded(asset, kinds.length ? kinds : undefined);
    changed++;
  }
  return changed;
}
