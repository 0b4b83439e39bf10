/**
 * Runs a real home node (`node apps/node-peer/src/cli.ts start`) in its own process with a
 * fresh data dir, serving this app's dist/, and reads what it prints: the app URL and a
 * pairing link.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stopProcess } from './bounded-close.ts';
import { appRoot } from './browser.ts';
import { cli, startNodeProcess } from './node-process.ts';

/** A running home node. */
export interface HomeNode {
  url: string;
  pairingLink: string;
  dataDir: string;
  /** everything the node printed so far (stdout and stderr): for a failure's explanation */
  output(): string;
  /** runs a `hearth` subcommand against this node's data dir */
  hearth(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startHomeNode(timeoutMs = 90_000): Promise<HomeNode> {
  const dataDir = mkdtempSync(`${tmpdir()}/hearth-e2e-`);
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir };
  const { child, output } = await startNodeProcess({
    args: ['--port', '0', '--p2p-port', '0', '--pwa-dir', `${appRoot}/dist`, '--no-mdns'],
    env,
    dataDir,
    label: 'home node',
    timeoutMs,
  });
  const out = output();
  const url = /Serving the app at (\S+)/.exec(out)?.[1];
  const pairingLink = /Pairing link: (\S+)/.exec(out)?.[1];
  if (!url || !pairingLink) throw new Error(`unexpected home node output:\n${out}`);
  return {
    url,
    pairingLink,
    dataDir,
    output,
    hearth: (...args) => {
      const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`hearth ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      // Waits for the exit (SIGKILL after 15 s), so nothing writes into the dir removed below.
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
