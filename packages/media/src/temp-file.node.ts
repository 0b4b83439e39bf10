import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionOf, inputName, type MediaInput } from './media-input.ts';

/**
 * Give a tool that only reads paths a path for any MediaInput: the path itself, or the bytes
 * written to a private temp dir (removed by `release`). Only the extension of the display name
 * is kept, so a hostile name (`../x`, NUL) never reaches the file system.
 */
export async function withInputPath<T>(input: MediaInput, fn: (path: string) => Promise<T>): Promise<T> {
  if ('path' in input) return fn(input.path);
  const dir = await mkdtemp(join(tmpdir(), 'hearth-media-'));
  const ext = extensionOf(inputName(input))
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  const path = join(dir, ext ? `input.${ext}` : 'input');
  try {
    await writeFile(path, input.bytes);
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A private temp dir for a tool's outputs, removed after `fn`. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-media-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
