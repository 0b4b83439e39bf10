import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/fixtures` beside the repo, or HEARTH_FIXTURES_DIR. */
export function fixturesDir(): string {
  const fromEnv = process.env['HEARTH_FIXTURES_DIR'];
  if (fromEnv) return fromEnv;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  return join(repoRoot, '..', 'shared', 'fixtures');
}

/** Every file under a directory, recursively, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Whether a command exists on PATH. */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What the system `exiftool -json -n` reports for a file. */
export function exiftoolJson(path: string): Record<string, unknown> {
  const out = execFileSync('exiftool', ['-json', '-n', path], { encoding: 'utf8' });
  return (JSON.parse(out) as Record<string, unknown>[])[0] ?? {};
}
