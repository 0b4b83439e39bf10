import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * Node cannot tie a child's life to its own, so a SIGKILLed (or crashed) owner would leave its
 * ffmpeg running until the job ends — a transcode can take many minutes at 100% CPU. Two
 * guards, both Linux only (elsewhere neither applies and nothing is ever killed):
 *
 * - **Parent-death signal**: ffmpeg is started through util-linux `setpriv --pdeathsig KILL`,
 *   so the kernel kills it the moment its owner dies. (An EOF on ffmpeg's stdin does not stop
 *   it: Debian's ffmpeg 5.1 ignores EOF on its keyboard input — checked.)
 * - **Records and reaping**: each running child is recorded in a small file (owner and child
 *   pid with their start times); a later process reaps the children of a dead owner that are
 *   still that same ffmpeg. This covers systems without `setpriv` and the instant between
 *   `fork` and `setpriv`'s `prctl`.
 */

/** What is recorded of one running child, `<dir>/<pid>.json`. */
export interface ChildRecord {
  owner: number;
  /** The owner's start time (`/proc/<pid>/stat` field 22, clock ticks since boot). */
  ownerStart: string;
  pid: number;
  start: string;
  /** basename of the program run (`ffmpeg`, `ffprobe`). */
  bin: string;
}

/**
 * A process's start time and state from `/proc/<pid>/stat`, or undefined when it does not
 * exist (or there is no `/proc`). A pid with another start time is another process.
 */
export function procStat(pid: number): { start: string; state: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, start: f[19]! };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a process that is still running (a zombie is not). */
export function isRunning(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

let pdeathsig: boolean | undefined;

/** Whether `setpriv --pdeathsig` is available (checked once per process). */
export function hasPdeathsig(): boolean {
  if (pdeathsig === undefined) {
    try {
      pdeathsig =
        process.platform === 'linux' &&
        execFileSync('setpriv', ['--help'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).includes('--pdeathsig');
    } catch {
      pdeathsig = false;
    }
  }
  return pdeathsig;
}

/** `bin args` wrapped so the kernel kills it when this process dies (when it can). */
export function withParentDeathSignal(bin: string, args: string[]): { bin: string; args: string[] } {
  return hasPdeathsig()
    ? { bin: 'setpriv', args: ['--pdeathsig', 'KILL', '--', bin, ...args] }
    : { bin, args };
}

/**
 * Record a just-spawned child in `dir`; returns the function that removes the record (call it
 * when the child has exited). Does nothing without `/proc`.
 */
export function recordChild(dir: string, pid: number, bin: string): () => void {
  const own = procStat(process.pid);
  const child = procStat(pid);
  if (!own || !child) return () => {};
  const path = join(dir, `${pid}.json`);
  const rec: ChildRecord = {
    owner: process.pid,
    ownerStart: own.start,
    pid,
    start: child.start,
    bin: basename(bin),
  };
  try {
    mkdirSync(dir, { recursive: true });
    // Synchronous: the record must exist before anything can kill this process mid-job.
    writeFileSync(path, JSON.stringify(rec));
  } catch {
    // A record is a safety net; the job runs without one.
    return () => {};
  }
  return () => rmSync(path, { force: true });
}

/**
 * Kill the recorded children whose owner has died and that are still the recorded program
 * (same pid *and* start time, and `/proc/<pid>/cmdline` names it), so a pid reused by an
 * unrelated process is never touched. Records of live owners are kept; every other record is
 * removed. Returns how many processes were killed.
 */
export async function reapOrphanedChildren(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let killed = 0;
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    const path = join(dir, name);
    const rec = await readFile(path, 'utf8').then(parseRecord, () => undefined);
    if (rec && procStat(rec.owner)?.start === rec.ownerStart && isRunning(rec.owner)) continue;
    if (rec && isStill(rec)) {
      try {
        process.kill(rec.pid, 'SIGKILL');
        killed++;
      } catch {
        // gone in the meantime, or not ours to kill
      }
    }
    await rm(path, { force: true });
  }
  return killed;
}

function isStill(rec: ChildRecord): boolean {
  const s = procStat(rec.pid);
  if (!s || s.start !== rec.start || s.state === 'Z') return false;
  let argv0: string;
  try {
    argv0 = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return false;
  }
  // `setpriv` for the instant before it execs the program.
  return [rec.bin, 'setpriv'].includes(basename(argv0));
}

function parseRecord(text: string): ChildRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<ChildRecord>;
    const ok =
      Number.isSafeInteger(r.owner) &&
      Number.isSafeInteger(r.pid) &&
      (r.pid ?? 0) > 1 &&
      typeof r.ownerStart === 'string' &&
      typeof r.start === 'string' &&
      typeof r.bin === 'string' &&
      r.bin.length > 0;
    return ok ? (r as ChildRecord) : undefined;
  } catch {
    return undefined;
  }
}
