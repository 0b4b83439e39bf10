import type { Command } from 'commander';
import { byTakenDesc, matches, type AssetFilter } from '../asset-filter.ts';
import { ConfigError } from '../errors.ts';
import { openLibrary } from '../library.ts';
import { assetMl } from '../ml-summary.ts';
import { configOf, formatBytes } from './common.ts';

interface LsFlags {
  json?: boolean;
  type?: string;
  album?: string;
  tag?: string;
  since?: string;
  until?: string;
  rating?: string;
  limit?: string;
}

function date(flag: string, v: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new ConfigError(`--${flag} wants a date like 2024-07-01, got ${JSON.stringify(v)}`);
  return t;
}

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list assets in the library, newest first')
    .option('--json', 'one JSON object per asset (JSON lines)')
    .option('--type <type>', 'photo or video')
    .option('--album <name>', 'only this album')
    .option('--tag <tag>', 'only assets with this tag')
    .option('--since <date>', 'taken on or after (e.g. 2024-07-01)')
    .option('--until <date>', 'taken before')
    .option('--rating <n>', 'at least this many stars')
    .option('--limit <n>', 'at most this many')
    .action(async (o: LsFlags, cmd: Command) => {
      const f: AssetFilter = {};
      if (o.type) {
        if (o.type !== 'photo' && o.type !== 'video') throw new ConfigError('--type is photo or video');
        f.type = o.type;
      }
      if (o.album) f.album = o.album;
      if (o.tag) f.tag = o.tag;
      if (o.since) f.since = date('since', o.since);
      if (o.until) f.until = date('until', o.until);
      if (o.rating) f.minRating = Number(o.rating);
      const limit = o.limit ? Number(o.limit) : Infinity;
      const lib = await openLibrary(configOf(cmd).dataDir);
      try {
        const list = [...lib.catalog.assets()]
          .filter((a) => matches(a, f))
          .sort(byTakenDesc)
          .slice(0, limit);
        for (const a of list) {
          if (o.json) {
            // ML results (faces, tags, OCR text) only when there are some, so plain records stay as they were.
            const ml = assetMl(lib.catalog, a.id);
            process.stdout.write(JSON.stringify(Object.keys(ml).length ? { ...a, ml } : a) + '\n');
          } else
            process.stdout.write(
              `${new Date(a.takenAt ?? a.importedAt).toISOString().slice(0, 19).replace('T', ' ')}  ${a.type.padEnd(5)}  ${formatBytes(a.size).padStart(8)}  ${a.id.slice(0, 12)}  ${a.fileName}\n`,
            );
        }
      } finally {
        await lib.stop();
      }
    });
}
