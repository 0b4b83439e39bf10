/**
 * MIME type from a file's first bytes (at least 64), so a `.jpg` that is really a PNG, or
 * has no extension at all, is still handled by what it is. `undefined` when unknown.
 */
export function sniffMime(head: Uint8Array, nameHint = ''): string | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  const ext = nameHint.slice(nameHint.lastIndexOf('.') + 1).toLowerCase();
  if (head.length < 4) return undefined;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 11) === 'AVI') return 'video/x-msvideo';
  if (head[0] === 0xff && head[1] === 0x0a) return 'image/jxl';
  if (ascii(4, 12) === 'JXL \r\n\x87\n') return 'image/jxl';
  if (ascii(0, 15) === 'FUJIFILMCCD-RAW') return 'image/x-fuji-raf';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return ext === 'webm' ? 'video/webm' : 'video/x-matroska';
  const tiffLE = ascii(0, 4) === 'II*\0';
  const tiffBE = ascii(0, 4) === 'MM\0*';
  if (ascii(0, 4) === 'IIRO') return 'image/x-olympus-orf';
  if (ascii(0, 4) === 'IIU\0') return 'image/x-panasonic-rw2';
  if (tiffLE || tiffBE) {
    if (ascii(8, 10) === 'CR') return 'image/x-canon-cr2';
    const raw: Record<string, string> = {
      nef: 'image/x-nikon-nef',
      arw: 'image/x-sony-arw',
      dng: 'image/x-adobe-dng',
      orf: 'image/x-olympus-orf',
    };
    return raw[ext] ?? 'image/tiff';
  }
  if (ascii(4, 8) === 'ftyp') {
    const brands = [ascii(8, 12)];
    const boxSize = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0);
    for (let i = 16; i + 4 <= Math.min(boxSize, head.length); i += 4) brands.push(ascii(i, i + 4));
    const has = (...b: string[]) => b.some((x) => brands.includes(x));
    if (has('crx ')) return 'image/x-canon-cr3';
    if (brands[0] === 'avif' || brands[0] === 'avis') return 'image/avif';
    if (has('heic', 'heix', 'heim', 'heis', 'hevc', 'hevx')) return 'image/heic';
    if (has('mif1', 'msf1')) return has('avif') ? 'image/avif' : 'image/heif';
    if (brands[0] === 'qt  ') return 'video/quicktime';
    if (has('3gp4', '3gp5', '3gp6', '3g2a')) return 'video/3gpp';
    return 'video/mp4';
  }
  return undefined;
}

/** Whether a MIME type is one of the camera RAW formats (decoded via their embedded JPEG). */
export function isRawMime(mime: string): boolean {
  return mime.startsWith('image/x-') && mime !== 'image/x-icon';
}
