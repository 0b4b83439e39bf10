import type { AssetRecord } from './asset-record.ts';

/** What one run of a step made. */
export interface StepOutput {
  /** Output name → bytes, each stored as a blob. */
  blobs: Record<string, Uint8Array>;
  values?: Record<string, string | number>;
}

/**
 * One thing the reconcile loop derives for an asset (thumbnail, preview, transcode, …).
 * Raising `version` makes the loop redo the step for every asset.
 */
export interface PipelineStep {
  kind: string;
  version: number;
  appliesTo(asset: AssetRecord): boolean;
  /** Make the outputs from the original at `originalPath`. Throw StepFailedError for inputs it can never handle. */
  run(asset: AssetRecord, ctx: { originalPath: string; signal: AbortSignal }): Promise<StepOutput>;
}
