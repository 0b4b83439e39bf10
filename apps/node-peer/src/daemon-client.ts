import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDaemonInfo } from './daemon-lock.ts';
import { dataDirLayout } from './data-dir.ts';
import { NodePeerError } from './errors.ts';

/** The running daemon is needed (pairing codes live in it) but none runs (exit 3). */
export class NoDaemonError extends NodePeerError {
  constructor(dataDir: string) {
    super(
      'NO_DAEMON',
      `no home node is running on ${dataDir}: start it with \`hearth start\` (or \`npm start\`), then run this again`,
      3,
    );
  }
}

/** Call the local daemon's admin API with the data dir's admin token. */
export async function callDaemon<T>(dataDir: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const layout = dataDirLayout(dataDir);
  const info = await readDaemonInfo(layout.daemonJson);
  if (!info?.url) throw new NoDaemonError(dataDir);
  const token = (await readFile(join(dataDir, 'admin.token'), 'utf8').catch(() => '')).trim();
  let res: Response;
  try {
    res = await fetch(new URL(path, info.url), { method, headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new NodePeerError(
      'DAEMON_UNREACHABLE',
      `the home node (pid ${info.pid}) does not answer at ${info.url}: ${(err as Error).message}`,
      1,
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok)
    throw new NodePeerError(
      body.code ?? 'DAEMON_ERROR',
      body.message ?? `HTTP ${res.status}`,
      res.status === 400 ? 2 : 1,
    );
  return body;
}
