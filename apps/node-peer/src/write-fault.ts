import { open, type FileHandle } from 'node:fs/promises';

/**
 * Fault injection for tests of the disk-full path: with `HEARTH_FAULT_DISK_BYTES=N`, blob
 * temp-file writes fail with a real-looking ENOSPC once this process has written N bytes.
 * It plugs into the blob store's `openTemp` seam, so the store's own clean-up runs. Both
 * `write` and `writev` count (the store's file writer sends a blob's pieces with `writev`).
 */
export function faultyOpenTempFromEnv(
  env: NodeJS.ProcessEnv,
): ((path: string) => Promise<FileHandle>) | undefined {
  const raw = env['HEARTH_FAULT_DISK_BYTES'];
  if (raw === undefined || raw === '') return undefined;
  const limit = Number(raw);
  let written = 0;
  const spend = (n: number) => {
    written += n;
    if (written > limit)
      throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), {
        code: 'ENOSPC',
        errno: -28,
      });
  };
  return async (path) => {
    const fh = await open(path, 'wx', 0o600);
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    const writev = fh.writev.bind(fh);
    // The arguments pass through as they came (a positioned write keeps its position).
    const patched = (async (buf: Uint8Array, off = 0, len = buf.length - off, ...rest: unknown[]) => {
      spend(len);
      return write(buf, off, len, ...rest);
    }) as unknown as FileHandle['write'];
    const patchedv: FileHandle['writev'] = async (buffers, position) => {
      spend(buffers.reduce((n, b) => n + b.byteLength, 0));
      return writev(buffers, position);
    };
    return Object.assign(fh, { write: patched, writev: patchedv });
  };
}
