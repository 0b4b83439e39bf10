/** Extensions an import considers media (others are skipped with a reason). */
const PHOTO = new Set([
  'jpg',
  'jpeg',
  'jpe',
  'png',
  'gif',
  'webp',
  'heic',
  'heif',
  'avif',
  'jxl',
  'tif',
  'tiff',
  'bmp',
  'dng',
  'cr2',
  'cr3',
  'nef',
  'arw',
  'orf',
  'rw2',
  'raf',
  'srw',
  'pef',
  'raw',
]);
const VIDEO = new Set([
  'mp4',
  'm4v',
  'mov',
  'qt',
  '3gp',
  'mkv',
  'webm',
  'avi',
  'mts',
  'm2ts',
  'mpg',
  'mpeg',
  'wmv',
]);

export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i + 1).toLowerCase();
}

/** photo/video by extension; undefined when not media. */
export function mediaKindOfName(name: string): 'photo' | 'video' | undefined {
  const ext = extensionOf(name);
  if (PHOTO.has(ext)) return 'photo';
  if (VIDEO.has(ext)) return 'video';
  return undefined;
}

/** The kind a sniffed MIME type implies (RAW files sniff as image/x-… or image/tiff). */
export function mediaKindOfMime(mime: string): 'photo' | 'video' | undefined {
  if (mime.startsWith('image/')) return 'photo';
  if (mime.startsWith('video/') || mime === 'application/mp4') return 'video';
  return undefined;
}
