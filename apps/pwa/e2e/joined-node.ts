/**
 * A second home node for e2e tests: `hearth init --join <link>` on a fresh data dir, then
 * `hearth start` in its own process (see home-node.ts for the first node).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stopProcess } from './bounded-close.ts';
import { appRoot } from './browser.ts';

const cli = `${appRoot}/../node-peer/src/cli.ts`;

/** A running second home node. */
export interface JoinedNode {
  url: string;
  peerId: string;
  dataDir: string;
  /** everything it printed so far */
  output(): string;
  /** resolves once its output matches `re` (rejects after `timeoutMs`) */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** runs a `hearth` subcommand against this node's data dir */
  hearth(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startJoinedNode(link: string, name: string, timeoutMs = 90_000): Promise<JoinedNode> {
  const dataDir = mkdtempSync(`${tmpdir()}/hearth-e2e-b-`);
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir };
  const hearth = (...args: string[]) => {
    // Generous: on a loaded machine a join (pairing, then the root document) has taken over 60 s.
    const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0)
      throw new Error(
        `hearth ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error?.message}): ${r.stderr}${r.stdout}`,
      );
    return r.stdout;
  };
  try {
    hearth('init', '--join', link, '--node-name', name);
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`node ${name} not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (b: Buffer) => {
      if (process.env['HEARTH_E2E_DEBUG']) process.stderr.write(`[${name}] ${b.toString()}`);
      out += b.toString();
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited (${code}):\n${out}`));
    });
  });
  // A node that never got ready is stopped and its data dir removed: nothing outlives the test.
  await started.catch(async (e: unknown) => {
    await stopProcess(child, 0);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const url = /Serving the app at (\S+)/.exec(out)?.[1];
  const peerId = /Peer id (\S+);/.exec(out)?.[1];
  if (!url || !peerId) throw new Error(`unexpected output of node ${name}:\n${out}`);
  return {
    url,
    peerId,
    dataDir,
    output: () => out,
    waitFor: (re, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve();
        };
        const timer = setTimeout(() => {
          child.stdout!.off('data', check);
          reject(new Error(`timed out waiting for ${re}:\n${out}`));
        }, ms);
        child.stdout!.on('data', check);
        check();
      }),
    hearth,
    async stop() {
      // Waits for the exit (SIGKILL after 15 s), so nothing writes into the dir removed below.
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
