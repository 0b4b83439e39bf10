import { MediaError } from './errors.ts';

/**
 * What the media functions accept: a file on disk (Node backends) or bytes in memory
 * (both). `name` is the display name used in errors and for the extension hint.
 */
export type MediaInput =
  { readonly path: string; readonly name?: string } | { readonly bytes: Uint8Array; readonly name: string };

/** The name to show for an input (the path's last segment, or the given name). */
export function inputName(input: MediaInput): string {
  if (input.name !== undefined) return input.name;
  if ('path' in input) return input.path.split(/[\\/]/).pop() ?? input.path;
  return 'bytes';
}

/**
 * A file name as received from a device or a directory walk, made safe to show and to use as
 * a single path segment: no directory parts, no NUL or control characters. Unicode is kept.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .normalize('NFC')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') {
    throw new MediaError(
      'MEDIA_BAD_NAME',
      JSON.stringify(name.slice(0, 80)),
      'not a usable file name; rename the file',
    );
  }
  return cleaned.slice(0, 255);
}

/** Lowercase extension without the dot ('' when none). */
export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i <= 0 ? '' : name.slice(i + 1).toLowerCase();
}
