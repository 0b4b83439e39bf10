import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (opts?: { type?: 'major'; execution?: 'sync'; flavor?: 'regular' | 'last-resort' }) => void;

let gc: Gc | undefined;

/**
 * A full, compacting garbage collection, for the moment a burst of work (loading the journal,
 * the reconcile loop's first pass over every asset) has ended and the node goes idle: V8
 * otherwise keeps the heap it grew for the burst (measured: 100k assets leave ~240 MB
 * committed for ~110 MB live), and an idle home node should give it back.
 */
export function trimHeap(): void {
  if (!gc) {
    // Exposing gc at run time is V8's documented flag; a new context hands the function out.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  // 'last-resort' is V8's memory-reducing collection: it also shrinks the young generation,
  // which a burst grows to ~128 MB and a regular collection leaves committed.
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
