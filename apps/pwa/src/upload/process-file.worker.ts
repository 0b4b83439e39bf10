/// <reference lib="webworker" />
/** The worker that hashes and probes files, so the main thread only renders. */
import { processFile } from './process-file.ts';

interface Job {
  id: number;
  file: File;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<Job>) => {
  const { id, file } = ev.data;
  processFile(file, (progress) => scope.postMessage({ id, progress })).then(
    (result) => scope.postMessage({ id, result }, result.thumbnail ? [] : []),
    (e: unknown) => scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) }),
  );
};
