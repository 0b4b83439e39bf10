import { open, type FileHandle } from 'node:fs/promises';

/**
 * Fault injection for tests of the disk-full path: with `HEARTH_FAULT_DISK_BYTES=N`, blob
 * temp-file writes fail with a real-looking ENOSPC once this process has written N bytes.
 * It plugs into the blob store's `openTemp` seam, so the store's own clean-up runs.
 */
export function faultyOpenTempFromEnv(
  env: NodeJS.ProcessEnv,
): ((path: string) => Promise<FileHandle>) | undefined {
  const raw = env['HEARTH_FAULT_DISK_BYTES'];
  if (raw === undefined || raw === '') return undefined;
  const limit = Number(raw);
  let written = 0;
  return async (path) => {
    const fh = await open(path, 'wx', 0o600);
    const write = fh.write.bind(fh) as (
      buf: Uint8Array,
      off?: number,
      len?: number,
    ) => Promise<{ bytesWritten: number; buffer: Uint8Array }>;
    const patched = (async (buf: Uint8Array, off = 0, len = buf.length - off) => {
      written += len;
      if (written > limit)
        throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), {
          code: 'ENOSPC',
          errno: -28,
        });
      return write(buf, off, len);
    }) as unknown as FileHandle['write'];
    return Object.assign(fh, { write: patched });
  };
}
