/**
 * Runs a real home node (`node apps/node-peer/src/cli.ts start`) in its own process with a
 * fresh data dir, serving this app's dist/, and reads what it prints: the app URL and a
 * pairing link.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stopProcess } from './bounded-close.ts';
import { appRoot } from './browser.ts';

const cli = `${appRoot}/../node-peer/src/cli.ts`;

/** A running home node. */
export interface HomeNode {
  url: string;
  pairingLink: string;
  dataDir: string;
  /** runs a `hearth` subcommand against this node's data dir */
  hearth(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startHomeNode(timeoutMs = 90_000): Promise<HomeNode> {
  const dataDir = mkdtempSync(`${tmpdir()}/hearth-e2e-`);
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir };
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'start', '--port', '0', '--p2p-port', '0', '--pwa-dir', `${appRoot}/dist`, '--no-mdns'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`home node not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (b: Buffer) => {
      if (process.env['HEARTH_E2E_DEBUG']) process.stderr.write(`[node] ${b.toString()}`);
      out += b.toString();
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`home node exited (${code}):\n${out}`));
    });
  });
  // A node that never got ready is killed and its dir removed: its pipes would keep this
  // process (and so the whole e2e run) alive.
  await ready.catch(async (e: unknown) => {
    await stopProcess(child, 0);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const url = /Serving the app at (\S+)/.exec(out)?.[1];
  const pairingLink = /Pairing link: (\S+)/.exec(out)?.[1];
  if (!url || !pairingLink) throw new Error(`unexpected home node output:\n${out}`);
  return {
    url,
    pairingLink,
    dataDir,
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
