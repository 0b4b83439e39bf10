/**
 * Cleanup that cannot stall an e2e run. A spec's `after` hook that waits forever (a Chromium
 * that never answers `browser.close()`, a node that ignores SIGTERM) keeps the test file's
 * process alive, so `node --test` never reports the test's own failure: last session's
 * device-ml run failed at ~65 s and then hung while closing, its message lost. Each step
 * here is bounded; one that times out kills the processes it was closing, and the hook
 * still fails, naming what did not close, after every other step has run.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

/** pids of each launched browser's own Chromium process (see `launchChromium`) */
const chromiumPids = new WeakMap<Browser, number[]>();

/** pid and command of every process (Linux `ps`) */
function processTable(): { pid: number; ppid: number; args: string }[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8', timeout: 10_000 });
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}

/** Chromium processes this test process started (Playwright spawns Chromium as our child). */
export function chromiumChildren(): number[] {
  return processTable()
    .filter((p) => p.ppid === process.pid && /chrom/i.test(p.args))
    .map((p) => p.pid);
}

/** Remembers which Chromium process `launch` started for the browser it returns. */
export async function trackChromium(launch: () => Promise<Browser>): Promise<Browser> {
  const before = new Set(chromiumChildren());
  const browser = await launch();
  chromiumPids.set(
    browser,
    chromiumChildren().filter((p) => !before.has(p)),
  );
  return browser;
}

/** SIGKILLs `pids` and every process below them. */
function killTrees(pids: number[]): void {
  const table = processTable();
  const doomed = new Set(pids);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table)
      if (doomed.has(p.ppid) && !doomed.has(p.pid)) {
        doomed.add(p.pid);
        grew = true;
      }
  }
  for (const pid of doomed)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
}

/** Resolves with `promise`, or rejects naming `what` once `ms` have passed (timer cleared). */
export async function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes `browser` within `ms`; when that does not happen, SIGKILLs its Chromium (and the
 * renderers below it) and throws, so the hook fails instead of hanging.
 */
export async function closeBrowser(browser: Browser | undefined, ms = 30_000): Promise<void> {
  if (!browser) return;
  try {
    await within('browser.close()', browser.close(), ms);
  } catch (e) {
    const pids = chromiumPids.get(browser) ?? [];
    killTrees(pids);
    throw new Error(`${(e as Error).message}; killed Chromium ${pids.join(', ') || '(pid unknown)'}`, {
      cause: e,
    });
  }
}

/**
 * Stops a child process: SIGTERM, then SIGKILL after `graceMs`, and waits until it has exited
 * (so nothing writes into a data dir removed next). Clears its timer, so it holds nothing open.
 */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  try {
    await within('SIGTERM', exited, graceMs);
  } catch {
    child.kill('SIGKILL');
    // A SIGKILLed process always exits; bounded anyway, so a stuck kernel cannot stall CI.
    await within(`SIGKILLed process ${child.pid}`, exited, 10_000);
  }
}

/**
 * Runs every cleanup step, each bounded by `ms` (a browser close kills its Chromium itself),
 * even when an earlier one failed; then throws the failures together, if any.
 */
export async function cleanUp(
  steps: [what: string, step: () => Promise<unknown> | unknown][],
  ms = 60_000,
): Promise<void> {
  const errors: Error[] = [];
  for (const [what, step] of steps)
    try {
      await within(what, Promise.resolve().then(step), ms);
    } catch (e) {
      errors.push(e instanceof Error ? e : new Error(String(e)));
    }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(errors, `cleanup failed: ${errors.map((e) => e.message).join('; ')}`);
}
