import type { PipelineStep } from './pipeline-step.ts';

/**
 * The steps the reconcile loop runs on this node, built from what the media and ML
 * packages provide.
 */
export async function defaultPipeline(): Promise<PipelineStep[]> {
  return [];
}
