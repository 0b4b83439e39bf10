/**
 * A second home node for e2e tests: `hearth init --join <link>` on a fresh data dir, then
 * `hearth start` in its own process (see home-node.ts for the first node).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stopProcess } from './bounded-close.ts';
import { cli, startNodeProcess } from './node-process.ts';

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
  const { child, output } = await startNodeProcess({
    args: ['--port', '0', '--p2p-port', '0', '--no-mdns'],
    env,
    dataDir,
    label: `node ${name}`,
    timeoutMs,
  });
  const out = output();
  const url = /Serving the app at (\S+)/.exec(out)?.[1];
  const peerId = /Peer id (\S+);/.exec(out)?.[1];
  if (!url || !peerId) throw new Error(`unexpected output of node ${name}:\n${out}`);
  return {
    url,
    peerId,
    dataDir,
    output,
    waitFor: (re, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!re.test(output())) return;
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve();
        };
        const timer = setTimeout(() => {
          child.stdout!.off('data', check);
          reject(new Error(`timed out waiting for ${re}:\n${output()}`));
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
