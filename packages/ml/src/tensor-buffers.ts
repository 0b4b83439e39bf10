/**
 * Reusable float32 buffers for model inputs. A pipeline takes one before filling a tensor
 * and gives it back once the session's run has settled (onnxruntime has read it by then),
 * so photo after photo fills the same memory instead of allocating megabytes that the
 * garbage collector must then reclaim; concurrent calls each take their own.
 */

export interface TensorBuffers {
  /** A buffer of exactly `length` floats; its contents are stale, so fill every element. */
  take(length: number): Float32Array;
  /** Hand a buffer back for reuse (only once its run has settled). */
  give(buffer: Float32Array): void;
}

/** A pool keeping up to `keep` free buffers (the newest); most pipelines feed one size. */
export function createTensorBuffers(keep = 2): TensorBuffers {
  const free: Float32Array[] = [];
  return {
    take(length) {
      const i = free.findIndex((b) => b.length === length);
      return i < 0 ? new Float32Array(length) : (free.splice(i, 1)[0] as Float32Array);
    },
    give(buffer) {
      free.push(buffer);
      if (free.length > keep) free.shift();
    },
  };
}
