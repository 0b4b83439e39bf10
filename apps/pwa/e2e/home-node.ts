/**
 * Runs a real home node (`node apps/node-peer/src/cli.ts start`) in its own process with a
 * fresh data dir, serving this app's dist/, and reads what it prints: the app URL and a
 * pairing link.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  await ready;
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
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        let timer: ReturnType<typeof setTimeout> | undefined;
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
        clearTimeout(timer);
        // Still running: killed, and waited for, so nothing writes into the dir removed below.
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
