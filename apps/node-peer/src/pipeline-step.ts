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
  /**
   * For steps whose output depends on external models: the models key (`id@version`).
   * A stored result with another key (`values.model`) is redone, so a model change re-derives.
   */
  key?: string;
  /** Jobs at once for this kind, overriding the loop's default (ML steps use 1: inference uses every core). */
  concurrency?: number;
  appliesTo(asset: AssetRecord): boolean;
  /** Make the outputs from the original at `originalPath`. Throw StepFailedError for inputs it can never handle. */
  run(asset: AssetRecord, ctx: { originalPath: string; signal: AbortSignal }): Promise<StepOutput>;
}
