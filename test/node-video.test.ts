import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStored, storedFile, storedHashes } from './support/stored-blobs.ts';
import { runCli, spawnCli } from '@hearth/node-peer/testing';
import { testDir } from './support/test-cleanup.ts';
import { derivedRecords } from './support/node-journal.ts';

const has = (tool: string) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0;
const hasFfmpeg = has('ffmpeg') && has('ffprobe');
const tmp = (p: string) => testDir(`video-${p}`);

/** 2 s, 320×240 test pattern with a tone, in the given codec. */
function makeClip(path: string, codec: 'libx264' | 'libx265'): void {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=15:duration=2',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=2',
    '-c:v',
    codec,
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    '-shortest',
    ...(codec === 'libx265' ? ['-tag:v', 'hvc1', '-x265-params', 'log-level=error'] : []),
    path,
  ]);
}

/** Pids of live `ffmpeg` processes whose parent is `ppid` (Linux /proc). */
function ffmpegChildren(ppid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // "pid (comm) state ppid …"
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(readFileSync(`/proc/${e}/stat`, 'utf8'));
      if (m?.[1] === 'ffmpeg' && Number(m[2]) === ppid) out.push(Number(e));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Resolves with the first ffmpeg child of `ppid`; checks every 5 ms, gives up after `ms`. */
function ffmpegStarted(ppid: number, ms = 60_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const timer = setInterval(() => {
      const kids = ffmpegChildren(ppid);
      if (kids.length) {
        clearInterval(timer);
        resolve(kids);
      } else if (Date.now() - t0 > ms) {
        clearInterval(timer);
        reject(new Error('no ffmpeg started'));
      }
    }, 5);
  });
}

function probeCodec(path: string): string {
  return execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  ).trim();
}

describe.skipIf(!hasFfmpeg)('hearth video step (needs ffmpeg and ffprobe on PATH)', () => {
  it('import derives poster thumbnail/preview and an H.264 playback file; a broken video is a recorded failure', async () => {
    const src = tmp('in');
    makeClip(join(src, 'hevc.mp4'), 'libx265');
    makeClip(join(src, 'h264.mp4'), 'libx264');
    // The first half of an MP4 whose index (moov) is at the end: sniffs as video, cannot play.
    const whole = readFileSync(join(src, 'h264.mp4'));
    writeFileSync(join(src, 'broken.mp4'), whole.subarray(0, whole.length >> 1));

    const d = tmp('lib');
    const env = { HEARTH_ML: 'off' };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    const imp = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
    expect(imp.code, imp.stderr).toBe(0);
    const report = JSON.parse(imp.stdout) as { imported: { fileName?: string; id?: string }[] };
    expect(report.imported.length).toBe(3);

    const ls = await runCli(['--data-dir', d, 'ls', '--json'], { env });
    const ids = new Map(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; fileName: string })
        .map((a) => [a.fileName, a.id]),
    );
    const recs = derivedRecords(d);
    for (const [name, action] of [
      ['hevc.mp4', 'transcode'],
      ['h264.mp4', 'remux'],
    ] as const) {
      const rec = recs.get(`${ids.get(name)}/video`);
      expect(rec?.failed, name).toBeUndefined();
      expect(rec?.values).toMatchObject({ playback: action, playbackCodec: 'h264', width: 320, height: 240 });
      expect(typeof rec?.values?.['thumbhash']).toBe('string');
      for (const out of ['thumbnail', 'preview', 'playback']) {
        const h = rec?.blobs[out] ?? '';
        expect(await isStored(d, h), `${name} ${out}`).toBe(true);
      }
      expect(probeCodec(await storedFile(d, rec?.blobs['playback'] ?? ''))).toBe('h264');
    }
    const broken = recs.get(`${ids.get('broken.mp4')}/video`);
    expect(broken?.failed).toMatch(/broken\.mp4/);
    expect(broken?.blobs).toEqual({});

    // A second run finds everything done, including the failure: nothing is redone.
    const again = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(derivedRecords(d).size).toBe(recs.size);
  }, 120_000);
  it.skipIf(!existsSync('/proc/self/stat'))(
    'a node killed while ffmpeg runs has no video record or partial blob; the next run redoes it',
    async () => {
      const src = tmp('crash-in');
      makeClip(join(src, 'hevc.mp4'), 'libx265');
      const d = tmp('crash-lib');
      const env = { HEARTH_ML: 'off' };
      expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
      const p = spawnCli(['--data-dir', d, 'import', src, '--json'], { env });
      const kids = await ffmpegStarted(p.child.pid ?? -1).catch(async (err: unknown) => {
        p.child.kill('SIGKILL');
        throw err;
      });
      p.child.kill('SIGKILL');
      for (const k of kids) spawnSync('kill', ['-9', String(k)]);
      expect((await p.exited).signal).toBe('SIGKILL');
      const before = await storedHashes(d);
      expect([...derivedRecords(d).values()].filter((r) => r.kind === 'video')).toEqual([]);

      const again = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
      expect(again.code, again.stderr).toBe(0);
      const recs = [...derivedRecords(d).values()].filter((r) => r.kind === 'video');
      expect(recs.length).toBe(1);
      expect(recs[0]?.failed).toBeUndefined();
      const h = recs[0]?.blobs['playback'] ?? '';
      // The only new blobs are the record's three: nothing half-made was left behind.
      const added = [...(await storedHashes(d))].filter((f) => !before.has(f)).sort();
      expect(added).toEqual(Object.values(recs[0]?.blobs ?? {}).sort());
      expect(probeCodec(await storedFile(d, h))).toBe('h264');
    },
    120_000,
  );
});
