import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@hearth/node-peer/testing';

const has = (tool: string) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0;
const hasFfmpeg = has('ffmpeg') && has('ffprobe');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `hearth-video-${p}-`));

interface Derived {
  asset: string;
  kind: string;
  version: number;
  blobs: Record<string, string>;
  values?: Record<string, string | number>;
  failed?: string;
}

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

/** The derived records in the node's append-only journal, by asset id and kind. */
function derived(dataDir: string): Map<string, Derived> {
  const out = new Map<string, Derived>();
  for (const line of readFileSync(join(dataDir, 'catalog', 'catalog.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { op: string; rec?: Derived };
    if (e.op === 'derived' && e.rec) out.set(`${e.rec.asset}/${e.rec.kind}`, e.rec);
  }
  return out;
}

const blobPath = (d: string, h: string) => join(d, 'blobs/sha256', h.slice(0, 2), h.slice(2, 4), h);

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
    const recs = derived(d);
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
        expect(existsSync(blobPath(d, h)), `${name} ${out}`).toBe(true);
      }
      expect(probeCodec(blobPath(d, rec?.blobs['playback'] ?? ''))).toBe('h264');
    }
    const broken = recs.get(`${ids.get('broken.mp4')}/video`);
    expect(broken?.failed).toMatch(/broken\.mp4/);
    expect(broken?.blobs).toEqual({});

    // A second run finds everything done, including the failure: nothing is redone.
    const again = await runCli(['--data-dir', d, 'import', src, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(derived(d).size).toBe(recs.size);
  }, 120_000);
});
