/**
 * Drive the `hearth` CLI in separate processes, as a person or a script would: the
 * integration tests (test/node-*.test.ts) and benchmarks use these.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../cli.ts');
const REPO = resolve(import.meta.dirname, '../../../..');

/** The shared fixtures folder (env HEARTH_FIXTURES_DIR, else ../shared/fixtures beside the repo). */
export function fixturesDir(): string {
  return process.env['HEARTH_FIXTURES_DIR'] ?? resolve(REPO, '../shared/fixtures');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Env for a child: the test's env minus the caller's hearth settings, plus `env`. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('HEARTH_') || k === 'HEARTH_FIXTURES_DIR' || k === 'HEARTH_MODELS_DIR',
    ),
  );
  // ML off unless a test asks for it: inference on every imported photo would make the
  // CLI/crash tests minutes slower, and only test/node-ml.test.ts is about it.
  return { HEARTH_ML: 'off', ...base, ...env };
}

/** Run `hearth <args>` to completion. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: childEnv(opts.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

/** A spawned `hearth` process whose output lines can be awaited. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line matching `re` appears (rejects on exit or after timeoutMs). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(
  args: string[],
  opts: { env?: Record<string, string | undefined> } = {},
): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: childEnv(opts.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) return finish(() => resolveWait(m));
          if (done) return finish(() => reject(new Error(`process exited before ${re}; output:\n${out}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out waiting for ${re}; output:\n${out}`))),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * `n` distinct small JPEGs: a real fixture photo with a unique trailer after its end
 * marker (decoders ignore it), so each file has its own hash and stays a valid JPEG.
 */
export async function makeDistinctJpegs(dir: string, n: number, seed = 'x'): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const src = join(fixturesDir(), 'immich-test-assets/formats/jpg/el_torcal_rocks.jpg');
  const base = await readFile(src);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    await writeFile(p, Buffer.concat([base, Buffer.from(`hearth-test-${seed}-${i}`)]));
    out.push(p);
  }
  return out;
}

export async function copyFixture(rel: string, dest: string): Promise<void> {
  await copyFile(join(fixturesDir(), rel), dest);
}

export const hasFixtures = existsSync(join(fixturesDir(), 'immich-test-assets'));
