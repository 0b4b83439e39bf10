import type { AssetRecord } from './asset-record.ts';
import { ConfigError } from './errors.ts';

/** The default export layout, as Immich's storage template does it. */
export const DEFAULT_TEMPLATE = '{yyyy}/{MM}/{filename}';

const TOKENS = [
  'yyyy',
  'yy',
  'MM',
  'dd',
  'HH',
  'mm',
  'ss',
  'filename',
  'filestem',
  'ext',
  'type',
  'album',
  'id',
] as const;

/** Check a template once, before anything is written. */
export function checkTemplate(t: string): void {
  for (const m of t.matchAll(/\{([^}]*)\}/g)) {
    if (!(TOKENS as readonly string[]).includes(m[1] ?? ''))
      throw new ConfigError(
        `unknown template token {${m[1]}}; known: ${TOKENS.map((x) => `{${x}}`).join(' ')}`,
      );
  }
  if (!/\{(filename|filestem|id)\}/.test(t))
    throw new ConfigError(
      'a template must contain {filename}, {filestem} or {id} so files do not overwrite each other',
    );
}

/** Wall-clock parts of the capture time in its own zone when known (what the camera showed), else UTC. */
function clock(a: AssetRecord): Date {
  const t = a.takenAt ?? a.importedAt;
  const m = a.takenOffset ? /^([+-])(\d{2}):(\d{2})$/.exec(a.takenOffset) : null;
  const off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(t + off * 60_000);
}

/** Make one path segment safe: no separators, no `..`, no control characters. */
function safe(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = s.replace(/[/\\\0-\x1f]/g, '_').replace(/^\.+$/, '_');
  return cleaned || '_';
}

/** The relative path of an asset under the template (segments sanitised). */
export function renderTemplate(template: string, a: AssetRecord): string {
  const d = clock(a);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const dot = a.fileName.lastIndexOf('.');
  const values: Record<(typeof TOKENS)[number], string> = {
    yyyy: String(d.getUTCFullYear()),
    yy: String(d.getUTCFullYear()).slice(-2),
    MM: p2(d.getUTCMonth() + 1),
    dd: p2(d.getUTCDate()),
    HH: p2(d.getUTCHours()),
    mm: p2(d.getUTCMinutes()),
    ss: p2(d.getUTCSeconds()),
    filename: a.fileName,
    filestem: dot > 0 ? a.fileName.slice(0, dot) : a.fileName,
    ext: dot > 0 ? a.fileName.slice(dot + 1) : '',
    type: a.type,
    album: a.albums?.[0] ?? 'no-album',
    id: a.id,
  };
  return template
    .split('/')
    .filter((seg) => seg !== '')
    .map((seg) =>
      safe(seg.replace(/\{(\w+)\}/g, (_, k: string) => values[k as (typeof TOKENS)[number]] ?? '')),
    )
    .join('/');
}
