/**
 * `npm run bench -- <name> [args…]` runs `bench/<name>.bench.ts` in its own process.
 * Each benchmark prints one JSON line per figure (see report.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 2 : 0);
}
const file = join(here, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(2);
const r = spawnSync(process.execPath, ['--expose-gc', file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
