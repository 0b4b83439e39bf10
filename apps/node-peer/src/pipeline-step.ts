import type { AssetRecord } from './asset-record.ts';

/**
 * One thing the reconcile loop derives for an asset (thumbnail, preview, transcode, …).
 * Raising `version` makes the loop redo the step for every asset.
 */
export interface PipelineStep {
  kind: string;
  version: number;
  appliesTo(asset: AssetRecord): boolean;
  /** Make the derived bytes from the original at `originalPath`. Throw StepFailedError for inputs it can never handle. */
  run(asset: AssetRecord, ctx: { originalPath: string; signal: AbortSignal }): Promise<Uint8Array>;
}
