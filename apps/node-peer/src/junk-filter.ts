/**
 * Names an import never takes: OS metadata and thumbnails, partial downloads, editor
 * temp files. Returns the reason, or undefined when the name may be media.
 */
const JUNK_NAMES = new Map<string, string>([
  ['.ds_store', 'macOS folder metadata'],
  ['thumbs.db', 'Windows thumbnail cache'],
  ['ehthumbs.db', 'Windows thumbnail cache'],
  ['desktop.ini', 'Windows folder settings'],
  ['.picasa.ini', 'Picasa settings'],
  ['picasa.ini', 'Picasa settings'],
  ['.nomedia', 'Android marker file'],
]);
const JUNK_DIRS = new Map<string, string>([
  ['.thumbnails', 'OS thumbnail folder'],
  ['@eadir', 'Synology thumbnail folder'],
  ['.@__thumb', 'QNAP thumbnail folder'],
  ['.trashes', 'macOS trash'],
  ['.trash', 'trash folder'],
  ['$recycle.bin', 'Windows recycle bin'],
  ['.spotlight-v100', 'macOS index'],
  ['.fseventsd', 'macOS event log'],
  ['__macosx', 'macOS archive metadata'],
  ['.git', 'git repository data'],
]);
const PARTIAL_EXT = /\.(part|partial|crdownload|download|opdownload|tmp|temp|!qb|filepart)$/i;

export function junkFileReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  const known = JUNK_NAMES.get(lower);
  if (known) return known;
  if (lower.startsWith('._')) return 'macOS resource fork (AppleDouble)';
  if (PARTIAL_EXT.test(lower)) return 'partial download or temp file';
  if (lower.startsWith('~$') || lower.startsWith('.~')) return 'editor temp file';
  if (lower.startsWith('.')) return 'hidden file';
  return undefined;
}

export function junkDirReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  return JUNK_DIRS.get(lower) ?? (lower.startsWith('.') ? 'hidden folder' : undefined);
}
