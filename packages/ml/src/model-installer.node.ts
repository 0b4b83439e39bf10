/**
 * `hearth models install` core: download each registry model into the models dir with
 * sha256 verification and resume. A download goes to `<file>.part` (resumed with an HTTP
 * Range request after a broken connection), is hashed as it streams, and is renamed into
 * place only when size and sha256 match; bad bytes are deleted and reported.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelDownloadError, ModelIntegrityError } from './errors.ts';
import { MODELS, type ModelSpec } from './model-registry.ts';

export interface InstallOptions {
  /** Base URL the registry's relative `url`s resolve against (the upstream mirror). */
  readonly baseUrl: string;
  /** The models dir to install into. */
  readonly dir: string;
  /** Which models (default: every registry model that has a url and sha256). */
  readonly models?: readonly ModelSpec[];
  readonly fetch?: typeof fetch;
  readonly onProgress?: (p: { id: string; received: number; total: number | undefined }) => void;
  readonly signal?: AbortSignal;
}

export type InstallOutcome = {
  readonly id: string;
  readonly file: string;
  readonly result: 'present' | 'downloaded' | 'resumed';
};

async function sha256File(path: string): Promise<{ hash: string; size: number } | undefined> {
  try {
    const h = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path)) {
      h.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { hash: h.digest('hex'), size };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function installOne(
  spec: ModelSpec & { url: string; sha256: string },
  o: InstallOptions,
): Promise<InstallOutcome> {
  const target = join(o.dir, spec.file);
  const part = `${target}.part`;
  const have = await sha256File(target);
  if (have?.hash === spec.sha256) return { id: spec.id, file: target, result: 'present' };
  await mkdir(dirname(target), { recursive: true });
  const url = new URL(spec.url, o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`).toString();
  // Hash what an earlier, interrupted run left, then ask only for the rest.
  const partial = await sha256File(part);
  const hash = createHash('sha256');
  let offset = 0;
  if (partial && partial.size > 0 && (spec.bytes === undefined || partial.size < spec.bytes)) {
    for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);
    offset = partial.size;
  } else if (partial) {
    await rm(part);
  }
  const init: RequestInit = offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {};
  if (o.signal) init.signal = o.signal;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, init);
  } catch (cause) {
    throw new ModelDownloadError(url, String(cause), { cause });
  }
  if (res.status !== 200 && res.status !== 206) throw new ModelDownloadError(url, `HTTP ${res.status}`);
  // A server that ignores the range sends everything (200): start the file over.
  if (res.status === 200) offset = 0;
  const h = offset > 0 ? hash : createHash('sha256');
  const fh = await open(part, offset > 0 ? 'a' : 'w');
  let received = offset;
  const total = spec.bytes;
  try {
    if (!res.body) throw new ModelDownloadError(url, 'empty response body');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      h.update(chunk);
      await fh.write(chunk);
      received += chunk.length;
      o.onProgress?.({ id: spec.id, received, total });
    }
    await fh.sync();
  } catch (cause) {
    // Keep the .part: the next run resumes from it.
    throw cause instanceof ModelDownloadError
      ? cause
      : new ModelDownloadError(
          url,
          `connection broke after ${received} bytes (${String(cause)}); rerun to resume`,
          { cause },
        );
  } finally {
    await fh.close();
  }
  const digest = h.digest('hex');
  if (digest !== spec.sha256 || (spec.bytes !== undefined && received !== spec.bytes)) {
    await rm(part, { force: true });
    throw new ModelIntegrityError(target, spec.sha256, digest);
  }
  await rename(part, target);
  return { id: spec.id, file: target, result: offset > 0 ? 'resumed' : 'downloaded' };
}

/** Install models; the first failure is thrown after the others were tried (so one bad mirror file does not block the rest). */
export async function installModels(o: InstallOptions): Promise<InstallOutcome[]> {
  const models = (o.models ?? MODELS).filter(
    (m): m is ModelSpec & { url: string; sha256: string } => m.url !== undefined && m.sha256 !== undefined,
  );
  const done: InstallOutcome[] = [];
  let first: unknown;
  for (const m of models) {
    try {
      done.push(await installOne(m, o));
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
  return done;
}

/** Size of a partially downloaded model, for progress displays (0 when none). */
export async function partialBytes(dir: string, spec: ModelSpec): Promise<number> {
  return (await stat(join(dir, `${spec.file}.part`)).catch(() => undefined))?.size ?? 0;
}
