/**
 * Reusable float32 buffers for model inputs. A pipeline takes one before filling a tensor
 * and gives it back once the session's run has settled (onnxruntime has read it by then),
 * so photo after photo fills the same memory instead of allocating megabytes that must be
 * paged in and later collected; concurrent calls each take their own. Inputs whose size
 * varies (OCR: one per photo size and per line) get a view on the start of a larger buffer.
 */

export interface TensorBuffers {
  /** `length` floats (stale contents: fill every element), possibly a view on a larger buffer. */
  take(length: number): Float32Array;
  /** Hand a taken array back for reuse (only once its run has settled). */
  give(taken: Float32Array): void;
}

/** A pool keeping up to `keep` free buffers (the largest); the smallest that fits is used. */
export function createTensorBuffers(keep = 2): TensorBuffers {
  const free: Float32Array[] = [];
  return {
    take(length) {
      let best = -1;
      for (let i = 0; i < free.length; i++) {
        const n = (free[i] as Float32Array).length;
        if (n >= length && (best < 0 || n < (free[best] as Float32Array).length)) best = i;
      }
      if (best < 0) return new Float32Array(length);
      const buf = free.splice(best, 1)[0] as Float32Array;
      return buf.length === length ? buf : buf.subarray(0, length);
    },
    give(taken) {
      const whole = taken.byteOffset === 0 && taken.byteLength === taken.buffer.byteLength;
      free.push(whole ? taken : new Float32Array(taken.buffer, 0, taken.buffer.byteLength / 4));
      free.sort((a, b) => b.length - a.length);
      if (free.length > keep) free.length = keep;
    },
  };
}
