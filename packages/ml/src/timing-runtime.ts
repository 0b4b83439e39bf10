/**
 * Wraps an InferenceRuntime to add up the time spent inside `session.run`, so benchmarks
 * can report pipeline time ÷ bare model time measured in the same run.
 */
import type { InferenceRuntime } from './inference-session.ts';

export interface TimingRuntime extends InferenceRuntime {
  /** Milliseconds spent in run() since the last reset. */
  readonly runMs: number;
  reset(): void;
}

export function createTimingRuntime(inner: InferenceRuntime): TimingRuntime {
  let runMs = 0;
  return {
    name: `${inner.name} (timed)`,
    get runMs() {
      return runMs;
    },
    reset() {
      runMs = 0;
    },
    async createSession(model, options) {
      const s = await inner.createSession(model, options);
      return {
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        release: () => s.release(),
        async run(feeds) {
          const t = performance.now();
          try {
            return await s.run(feeds);
          } finally {
            runMs += performance.now() - t;
          }
        },
      };
    },
  };
}
