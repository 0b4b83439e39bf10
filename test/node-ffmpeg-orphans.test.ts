import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const startTime = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]!;
};

describe.skipIf(process.platform !== 'linux' || !hasFfmpeg)(
  'hearth start reaps an ffmpeg a killed run left',
  () => {
    it('the ffmpeg recorded by a dead owner is stopped at the next start; an unrelated process is not', async () => {
      const d = testDir('ffmpeg-orphans');
      expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
      // What a daemon SIGKILLed mid-transcode leaves where the kernel could not kill its ffmpeg
      // (no setpriv): the running ffmpeg and its record naming the dead owner. (The media
      // package's test makes the record through a real killed owner; here the start is tested.)
      const ffmpeg = spawn(
        'ffmpeg',
        [
          '-nostdin',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=64x48:rate=10',
          '-t',
          '120',
          '-f',
          'null',
          '-',
        ],
        { stdio: 'ignore' },
      );
      const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const exited = (c: typeof ffmpeg) =>
        new Promise((r) => ((c.exitCode ?? c.signalCode) !== null ? r(0) : c.once('exit', r)));
      onTestFinished(async () => {
        for (const c of [ffmpeg, bystander]) c.kill('SIGKILL');
        await Promise.all([exited(ffmpeg), exited(bystander)]);
      });
      await Promise.all([ffmpeg, bystander].map((c) => new Promise((r) => c.once('spawn', r))));
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      const dir = join(d, 'ffmpeg-children');
      mkdirSync(dir);
      const record = (pid: number, bin: string) =>
        writeFileSync(
          join(dir, `${pid}.json`),
          JSON.stringify({ owner: dead, ownerStart: '1', pid, start: startTime(pid), bin }),
        );
      record(ffmpeg.pid!, 'ffmpeg');
      // A record whose pid now belongs to something else (here: not ffmpeg) must not kill it.
      record(bystander.pid!, 'ffmpeg');

      const node = startHomeNode(d, undefined, { stop: 'SIGTERM' });
      const gone = exited(ffmpeg);
      await node.waitFor(/stopped 1 ffmpeg process\(es\) a previous run left running/);
      await gone;
      expect(ffmpeg.signalCode).toBe('SIGKILL');
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    }, 120_000);
  },
);
