/**
 * Starts `hearth start` in its own process and waits for its `ready` line; shared by the first
 * home node (home-node.ts) and a joined second one (joined-node.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { stopProcess } from './bounded-close.ts';
import { appRoot } from './browser.ts';

/** The node CLI the e2e tests run. */
export const cli = `${appRoot}/../node-peer/src/cli.ts`;

/** A started node process and everything it printed so far (stdout and stderr). */
export interface NodeProcess {
  child: ChildProcess;
  output(): string;
}

/**
 * Spawns `hearth start <args>` with `env` and resolves once it prints `ready`. A node that exits
 * or is not ready within `timeoutMs` is stopped and `dataDir` removed: its pipes would keep this
 * process (and so the whole e2e run) alive. `label` names it in errors ("home node", "node B").
 */
export async function startNodeProcess(opts: {
  args: string[];
  env: NodeJS.ProcessEnv;
  dataDir: string;
  label: string;
  timeoutMs: number;
}): Promise<NodeProcess> {
  const { label, timeoutMs } = opts;
  const child = spawn(process.execPath, [cli, 'start', ...opts.args], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label} not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.stdout.on('data', (b: Buffer) => {
      if (process.env['HEARTH_E2E_DEBUG']) process.stderr.write(`[${label}] ${b.toString()}`);
      out += b.toString();
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}):\n${out}`));
    });
  });
  await ready.catch(async (e: unknown) => {
    await stopProcess(child, 0);
    rmSync(opts.dataDir, { recursive: true, force: true });
    throw e;
  });
  return { child, output: () => out };
}
