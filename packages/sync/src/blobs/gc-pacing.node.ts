/**
 * When V8 starts marking the old generation, for processes that move bulk bytes (a home node
 * serving or fetching blobs). V8 starts a marking cycle (the concurrent and incremental part of
 * a full mark-compact) once the old generation's headroom up to its next limit is smaller than
 * the young generation's capacity, so that a scavenge promoting all of it cannot overshoot. On
 * Node 24 the young generation grows to two 64 MB semi-spaces, and the limit of a heap of a few
 * tens of MB sits ~25–65 MB above it: the headroom is *always* below that, so V8 marks the
 * whole heap back to back — a cycle every ~0.2–0.3 s whatever the process allocates (measured
 * with `--trace-incremental-marking` in the blob-throughput peers: marking started by V8's
 * "task" trigger with 40–67 MB of headroom, on the bare stream and the blob path alike, 3–5 full
 * GCs a second on each side; docs/benchmarks.md#blob-throughput). That marking runs on V8's
 * helper threads and takes cores from the transfer. (`--max-semi-space-size=16` did not stop
 * it: V8 then lowered the limit to ~24 MB above the heap, still below the two semi-spaces.)
 *
 * V8's percentage triggers replace that rule: marking starts once half of the headroom left
 * after the last full GC is used (soft: by a task), at once at 90 % (hard). The limit itself is
 * unchanged, so a heap never grows larger than before; it is only marked when it has grown.
 * Growth of external memory (Buffers) still starts marking through V8's own external-memory
 * check. Both are V8 flags read at every check, so they take effect when set at run time; an
 * unknown flag (a later V8 that dropped them) is reported on stderr and ignored.
 */
import { setFlagsFromString } from 'node:v8';

/** Percent of the headroom used since the last full GC at which marking starts (task / at once). */
export const GC_MARKING_SOFT_TRIGGER = 50;
export const GC_MARKING_HARD_TRIGGER = 90;

/**
 * Makes V8 start old-generation marking when the heap has grown, not whenever its headroom is
 * below the young generation's size. For the home node's process (`hearth start`) and the blob
 * benchmark's peers, so the benchmark measures what users run. Process-wide; idempotent.
 */
export function paceGcMarking(): void {
  setFlagsFromString(`--incremental-marking-soft-trigger=${GC_MARKING_SOFT_TRIGGER}`);
  setFlagsFromString(`--incremental-marking-hard-trigger=${GC_MARKING_HARD_TRIGGER}`);
}
