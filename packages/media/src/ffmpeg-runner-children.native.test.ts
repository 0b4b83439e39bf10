import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { isMediaError } from './errors.ts';
import {
  hasPdeathsig,
  isRunning,
  procStat,
  reapOrphanedChildren,
  type ChildRecord,
} from './ffmpeg-runner-children.native.ts';
import { createNativeFfmpegRunner } from './ffmpeg-runner.native.ts';
import { hasNativeFfmpeg } from './video-tool.ffmpeg.ts';

const linux = process.platform === 'linux';
const root = mkdtempSync(join(tmpdir(), 'hearth-ffmpeg-children-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);

/** Poll `cond` until it holds or `ms` pass (a process's end raises no event in another process). */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Kill `pid` if it is still running (clean-up). */
function killQuietly(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/**
 * A daemon-like parent: a node process running a minute-long native ffmpeg job that records
 * its child in `dir`. Resolves once ffmpeg reports progress, with ffmpeg's pid (from its record).
 */
async function parentWithFfmpeg(dir: string, parentDeathSignal: boolean) {
  const script = `
    import { createNativeFfmpegRunner } from '@hearth/media/platform';
    await createNativeFfmpegRunner({ childrenDir: ${JSON.stringify(dir)}, parentDeathSignal: ${parentDeathSignal} }).run({
      tool: 'ffmpeg',
      args: ['-re', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '60', '-f', 'null', '-'],
      input: { bytes: new Uint8Array([1, 2, 3]), name: 'x.mp4' },
      onProgress: () => console.log('running'),
    });`;
  const parent: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own group, so clean-up can take ffmpeg too whatever the test's outcome.
    detached: true,
  });
  onTestFinished(() => killQuietly(-parent.pid!));
  await new Promise<void>((resolve, reject) => {
    parent.stdout!.once('data', () => resolve());
    parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
  });
  const records = readdirSync(dir);
  expect(records).toHaveLength(1);
  const rec = JSON.parse(readFileSync(join(dir, records[0]!), 'utf8')) as ChildRecord;
  expect(rec.owner).toBe(parent.pid);
  expect(readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0')[0]).toBe('ffmpeg');
  onTestFinished(() => killQuietly(rec.pid));
  const killParent = async () => {
    const exited = new Promise((r) => parent.once('exit', r));
    process.kill(parent.pid!, 'SIGKILL');
    await exited;
  };
  return { ffmpeg: rec.pid, killParent };
}

describe.skipIf(!linux || !hasNativeFfmpeg())('native ffmpeg outlives no killed owner (Linux)', () => {
  it.skipIf(!hasPdeathsig())(
    'a SIGKILLed parent takes its running ffmpeg with it (setpriv --pdeathsig)',
    async () => {
      const dir = freshDir();
      const { ffmpeg, killParent } = await parentWithFfmpeg(dir, true);
      expect(isRunning(ffmpeg)).toBe(true);
      await killParent();
      expect(await until(() => !isRunning(ffmpeg), 10_000)).toBe(true);
    },
    60_000,
  );

  it('without the death signal ffmpeg survives its parent, and the next start reaps it', async () => {
    const dir = freshDir();
    const { ffmpeg, killParent } = await parentWithFfmpeg(dir, false);
    await killParent();
    // The leak this guards against: ffmpeg runs on with its parent gone.
    expect(isRunning(ffmpeg)).toBe(true);
    const runner = createNativeFfmpegRunner({ childrenDir: dir });
    await runner.start!();
    expect(await until(() => !isRunning(ffmpeg), 10_000)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('a missing ffmpeg is still MEDIA_TOOL_MISSING when started through setpriv', async () => {
    const runner = createNativeFfmpegRunner({ ffmpegPath: join(root, 'no-such-ffmpeg') });
    await expect(
      runner.run({
        tool: 'ffmpeg',
        args: ['-version'],
        input: { bytes: new Uint8Array([1]), name: 'x.mp4' },
      }),
    ).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_TOOL_MISSING'));
  });
});

describe.skipIf(!linux)('reaping never touches another process', () => {
  it('kills nothing whose pid, start time or program differs; keeps a live owner’s records', async () => {
    const dir = freshDir();
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    onTestFinished(() => killQuietly(bystander.pid!));
    await new Promise((r) => bystander.once('spawn', r));
    const pid = bystander.pid!;
    const start = procStat(pid)!.start;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const rec = (r: Partial<ChildRecord>): ChildRecord => ({
      owner: dead,
      ownerStart: '1',
      pid,
      start,
      bin: 'ffmpeg',
      ...r,
    });
    mkdirSync(dir);
    const write = (name: string, r: ChildRecord | string) =>
      writeFileSync(join(dir, name), typeof r === 'string' ? r : JSON.stringify(r));
    // A reused pid: the bystander runs `node`, not the recorded ffmpeg.
    write('1.json', rec({}));
    // The right program but another start time: another process that got the pid.
    write('2.json', rec({ bin: 'node', start: String(Number(start) - 1) }));
    // A live owner (this process): its child is its own business.
    write('3.json', rec({ owner: process.pid, ownerStart: procStat(process.pid)!.start, bin: 'node' }));
    write('4.json', 'not json');
    write('notes.txt', 'left alone');
    expect(await reapOrphanedChildren(dir)).toBe(0);
    expect(isRunning(pid)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['3.json', 'notes.txt']);
    // The same record with the owner dead and everything matching is reaped.
    write('5.json', rec({ bin: 'node' }));
    const exited = new Promise((r) => bystander.once('exit', r));
    expect(await reapOrphanedChildren(dir)).toBe(1);
    await exited;
    expect(isRunning(pid)).toBe(false);
  });

  it('a dir that does not exist reaps nothing', async () => {
    expect(await reapOrphanedChildren(join(root, 'absent'))).toBe(0);
  });
});
