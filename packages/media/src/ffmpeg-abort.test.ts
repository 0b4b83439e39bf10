import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { isMediaError } from './errors.ts';
import { createNativeFfmpegRunner } from './ffmpeg-runner.native.ts';
import type { FfmpegJob, FfmpegRunner } from './ffmpeg-runner.ts';
import { removeStaleTempDirs } from './temp-file.node.ts';
import { createFfmpegVideoTool } from './ffmpeg-video-tool.ts';
import { hasNativeFfmpeg } from './video-tool.ffmpeg.ts';
import { createWasmFfmpegRunner } from './video-tool.ffmpeg-wasm.node.ts';

// A job that would run for a minute: a real-time (-re) test pattern, encoded to nowhere. The
// input bytes are only there because every job has one (it goes to a temp file).
const longJob = (signal: AbortSignal, onProgress: (s: number) => void): FfmpegJob => ({
  tool: 'ffmpeg',
  args: ['-re', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '60', '-f', 'null', '-'],
  input: { bytes: new Uint8Array([1, 2, 3]), name: 'x.mp4' },
  onProgress,
  signal,
});

const ownTempDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`hearth-media-${process.pid}-`));

function abortSuite(name: string, runner: () => FfmpegRunner) {
  it(`${name}: aborting a running job stops it with MEDIA_ABORTED and removes its temp files`, async () => {
    const ac = new AbortController();
    let progressed = 0;
    const job = runner().run(
      longJob(ac.signal, () => {
        // abort once the job is really running
        if (progressed++ === 0) ac.abort(new Error('shutdown'));
      }),
    );
    await expect(job).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_ABORTED'));
    expect(progressed).toBeGreaterThan(0);
    expect(ownTempDirs()).toEqual([]);
  }, 60_000);

  it(`${name}: an already aborted signal starts nothing (VideoTool operations too)`, async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runner().run(longJob(ac.signal, () => {}))).rejects.toSatisfy((e) =>
      isMediaError(e, 'MEDIA_ABORTED'),
    );
    const tool = createFfmpegVideoTool(runner());
    const input = { bytes: new Uint8Array([0, 0, 0, 8, 1, 2, 3, 4]), name: 'a.mp4' };
    for (const op of [
      tool.probe(input, { signal: ac.signal }),
      tool.posterFrame(input, { signal: ac.signal }),
      tool.transcode(input, { signal: ac.signal }),
    ])
      await expect(op).rejects.toSatisfy((e) => isMediaError(e, 'MEDIA_ABORTED'));
  });
}

describe.skipIf(!hasNativeFfmpeg())('abort: native ffmpeg (skipped without ffmpeg on PATH)', () => {
  abortSuite('ffmpeg-native', () => createNativeFfmpegRunner());
});

describe('abort: ffmpeg.wasm worker', () => {
  abortSuite('ffmpeg-wasm', () => createWasmFfmpegRunner());
});

describe('stale temp dirs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-stale-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('removes dirs of dead owners and old unnamed ones; keeps live owners and recent unnamed ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const mk = (n: string) => (mkdirSync(join(dir, n, 'sub'), { recursive: true }), n);
    const deadDir = mk(`hearth-media-${dead}-abc123`);
    const liveDir = mk(`hearth-media-${process.pid}-def456`);
    const parentDir = mk(`hearth-media-${process.ppid}-ghi789`);
    const oldLegacy = mk('hearth-media-Xy12zQ');
    const newLegacy = mk('hearth-media-Ab34cD');
    const other = mk('someone-else-123');
    const dayAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(dir, oldLegacy), dayAgo, dayAgo);
    expect(await removeStaleTempDirs(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([liveDir, parentDir, newLegacy, other].sort());
    expect(existsSync(join(dir, deadDir))).toBe(false);
  });

  it.skipIf(!hasNativeFfmpeg())(
    'a process SIGKILLed during a native ffmpeg job leaves a temp dir that the next start removes',
    async () => {
      // The child runs a long job on bytes (so its input is copied to a temp dir) and says when
      // ffmpeg reports progress; it is then killed without any chance to clean up.
      const script = `
        import { createNativeFfmpegRunner } from '@hearth/media/platform';
        await createNativeFfmpegRunner().run({
          tool: 'ffmpeg',
          args: ['-re', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '60', '-f', 'null', '-'],
          input: { bytes: new Uint8Array([1, 2, 3]), name: 'x.mp4' },
          onProgress: () => console.log('running'),
        });`;
      // Its own process group, so the kill takes its ffmpeg too: a SIGKILLed parent cannot stop
      // the child it started, which would otherwise run out its minute after the test.
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(import.meta.dirname, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      });
      const group = -child.pid!;
      onTestFinished(() => {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      const leftover = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`hearth-media-${child.pid}-`));
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(group, 'SIGKILL');
      await exited;
      // the input copy and the output dir
      expect(leftover().length).toBe(2);
      const tool = createFfmpegVideoTool(createNativeFfmpegRunner());
      await tool.start();
      expect(leftover()).toEqual([]);
    },
    60_000,
  );
});
