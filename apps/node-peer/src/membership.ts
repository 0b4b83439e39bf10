import { readFile } from 'node:fs/promises';
import type { DeviceCertificate } from '@hearth/sync';
import { DataDirError } from './errors.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * What a second home node keeps about how it joined the library (`membership.json`): its
 * certificate (role `home-node`, signed by the library key), and the home node that paired
 * it, which it trusts before the root document arrives and keeps dialling.
 */
export interface Membership {
  role: 'home-node';
  certificate: DeviceCertificate;
  /** PeerId of the home node that admitted this one (it holds the library key). */
  homeNode: string;
  /** Where that node was reached (from the pairing link), dialled on start. */
  homeAddrs: string[];
  /** automerge URL of the library root document. */
  rootDocUrl: string;
  /** ms since epoch */
  joinedAt: number;
  /** Set when the library revoked this node (the signed notice's time): it stops dialling. */
  revokedAt?: number;
}

/** The membership of a joined node, or undefined for the node that created the library. */
export async function readMembership(path: string): Promise<Membership | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const m = JSON.parse(text) as Membership;
    if (m.role !== 'home-node' || typeof m.homeNode !== 'string' || !Array.isArray(m.homeAddrs))
      throw new Error('missing fields');
    return m;
  } catch (err) {
    throw new DataDirError(
      'CORRUPT',
      `${path} is unreadable (${(err as Error).message}); join again from a fresh data dir`,
      { cause: err },
    );
  }
}

/** Written last by `hearth init --join`: its presence means the join finished. */
export async function writeMembership(path: string, m: Membership): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(m, null, 2) + '\n', { mode: 0o600 });
}
