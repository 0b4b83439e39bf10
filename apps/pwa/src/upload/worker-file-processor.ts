import { PwaError } from '../errors.ts';
import type { FileProcessor, ProcessedFile } from './upload-queue.ts';

/** A file could not be read or decoded. */
export class FileProcessingError extends PwaError {
  constructor(name: string, reason: string) {
    // The media package's messages already start with the file's name.
    if (reason.startsWith(`${name}: `)) reason = reason.slice(name.length + 2);
    super(
      'FILE_PROCESSING',
      `could not read ${name}: ${reason}; check the file opens on this device and add it again`,
    );
  }
}

type Reply = { id: number; progress?: number; result?: ProcessedFile; error?: string };

/** The browser's FileProcessor: one module worker, jobs matched by id. */
export function createWorkerFileProcessor(): FileProcessor {
  const worker = new Worker(new URL('./process-file.worker.ts', import.meta.url), {
    type: 'module',
    name: 'hearth-hash',
  });
  const jobs = new Map<
    number,
    {
      name: string;
      progress: (f: number) => void;
      resolve: (r: ProcessedFile) => void;
      reject: (e: Error) => void;
    }
  >();
  let next = 0;
  worker.onmessage = (ev: MessageEvent<Reply>) => {
    const job = jobs.get(ev.data.id);
    if (!job) return;
    if (ev.data.progress !== undefined) job.progress(ev.data.progress);
    else {
      jobs.delete(ev.data.id);
      if (ev.data.result) job.resolve(ev.data.result);
      else job.reject(new FileProcessingError(job.name, ev.data.error ?? 'unknown error'));
    }
  };
  return {
    process(file, onProgress) {
      return new Promise((resolve, reject) => {
        const id = next++;
        jobs.set(id, { name: file.name, progress: onProgress, resolve, reject });
        worker.postMessage({ id, file });
      });
    },
    close() {
      worker.terminate();
      for (const j of jobs.values()) j.reject(new FileProcessingError(j.name, 'the app was closed'));
      jobs.clear();
    },
  };
}
