import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { spawnCli, type CliProcess } from '@hearth/node-peer/testing';

/**
 * A fresh temp dir (`hearth-<prefix>-…`), removed when the current test finishes. Vitest runs
 * `onTestFinished` hooks last-registered first, so whatever the test starts on the dir after
 * making it (and stops in its own hook: `stopOnFinish`, `phone.stop()`) is stopped before the
 * dir goes. Call it inside a test.
 */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hearth-${prefix}-`));
  onTestFinished(() => rm(dir, { recursive: true, force: true, maxRetries: 3 }));
  return dir;
}

/**
 * When the current test finishes: signal a spawned `hearth` (default SIGKILL; SIGTERM for an
 * orderly stop) unless it has exited already, and wait until it has (a dir must not be removed
 * while a process writes to it).
 */
export function stopOnFinish(p: CliProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  onTestFinished(async () => {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
    await p.exited;
  });
}

/**
 * `hearth start` on `dataDir` (random ports, no mDNS, then `opts.args`), stopped when the
 * current test finishes unless it has exited by then (`stopOnFinish` with `opts.stop`). Wait for the lines you
 * need (`waitFor`).
 */
export function startHomeNode(
  dataDir: string,
  env?: Record<string, string | undefined>,
  opts: { args?: string[]; stop?: NodeJS.Signals } = {},
): CliProcess {
  const p = spawnCli(
    ['--data-dir', dataDir, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns', ...(opts.args ?? [])],
    { ...(env ? { env } : {}) },
  );
  stopOnFinish(p, opts.stop);
  return p;
}
