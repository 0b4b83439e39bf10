/**
 * Scrub: re-hash every stored blob. A blob whose bytes no longer match its address (bit
 * rot, a bad disk, a stray write) is quarantined, so it is never served, and fetched
 * again from a peer that holds a good copy.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import { toHex, type Hashing } from './hashing.ts';

/** Options of a scrub pass. */
export interface ScrubOptions {
  store: BlobStore;
  hashing: Hashing;
  /** Fetches a good copy back (e.g. `client.fetch`); without it corrupt blobs are only quarantined. */
  heal?: (hash: BlobHash) => Promise<unknown>;
  onProgress?: (p: { checked: number; bytes: number }) => void;
  signal?: AbortSignal;
}

/** What a scrub pass found and did. */
export interface ScrubReport {
  checked: number;
  bytes: number;
  corrupt: BlobHash[];
  healed: BlobHash[];
  /** Corrupt blobs that could not be fetched again (still quarantined; retry later). */
  unhealed: { hash: BlobHash; error: unknown }[];
}

export async function scrubBlobs(options: ScrubOptions): Promise<ScrubReport> {
  const { store, hashing } = options;
  const report: ScrubReport = { checked: 0, bytes: 0, corrupt: [], healed: [], unhealed: [] };
  for await (const hash of store.list()) {
    options.signal?.throwIfAborted();
    const h = await hashing.sha256();
    let read;
    try {
      read = await store.open(hash);
    } catch {
      continue; // deleted meanwhile
    }
    for await (const c of read.body) {
      h.update(c);
      report.bytes += c.length;
    }
    report.checked++;
    options.onProgress?.({ checked: report.checked, bytes: report.bytes });
    if (toHex(h.digest()) === hash) continue;
    report.corrupt.push(hash);
    await store.quarantine(hash);
    if (!options.heal) continue;
    try {
      await options.heal(hash);
      report.healed.push(hash);
    } catch (error) {
      report.unhealed.push({ hash, error });
    }
  }
  return report;
}
