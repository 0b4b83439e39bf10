import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultExiftoolArgs, ExifTool } from 'exiftool-vendored';
import { MediaError } from './errors.ts';
import { assertNotEmpty } from './extract-metadata.ts';
import { inputName, type MediaInput } from './media-input.ts';
import type { MetadataReader } from './metadata-reader.ts';
import type { RawTags } from './raw-tags.ts';
import { removeStaleTempDirs, withInputPath } from './temp-file.node.ts';

/** Options for {@link createExiftoolReader}. */
export interface ExiftoolReaderOptions {
  /** exiftool processes (default 2: this machine class has 2 cores). */
  maxProcs?: number;
  /** Per-file bound (default 20 s): a pathological file is abandoned, not waited on. */
  timeoutMs?: number;
}

/**
 * Drops the Composite tags Hearth never reads (see the file): ~23 % less perl CPU a camera
 * photo, the same tags otherwise. `-config` must come first on exiftool's command line.
 */
const LEAN_CONFIG = fileURLToPath(new URL('./exiftool-lean.config', import.meta.url));

/**
 * Metadata via exiftool-vendored (a pooled, long-lived perl exiftool, as Immich does). Tags
 * are read with `-n` so numbers stay numbers (signed decimal GPS, orientation 1–8, seconds).
 */
export function createExiftoolReader(opts: ExiftoolReaderOptions = {}): MetadataReader {
  let et: ExifTool | undefined;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const tool = (): ExifTool => {
    et ??= new ExifTool({
      maxProcs: opts.maxProcs ?? 2,
      taskTimeoutMillis: timeoutMs,
      ignoreZeroZeroLatLon: true,
      exiftoolArgs: ['-config', LEAN_CONFIG, ...DefaultExiftoolArgs],
    });
    return et;
  };
  return {
    name: 'exiftool',
    async start() {
      tool();
      await removeStaleTempDirs();
    },
    async stop() {
      const t = et;
      et = undefined;
      await t?.end();
    },
    async readTags(input: MediaInput): Promise<RawTags> {
      const name = inputName(input);
      const size = 'path' in input ? fileSize(input.path, name) : input.bytes.byteLength;
      assertNotEmpty(input, size);
      return withInputPath(input, async (path) => {
        let tags: Record<string, unknown>;
        try {
          tags = (await tool().readRaw(path, { readArgs: ['-n'] })) as Record<string, unknown>;
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if (/timed? ?out/i.test(msg))
            throw new MediaError(
              'MEDIA_TIMEOUT',
              name,
              `exiftool gave up after ${timeoutMs} ms; the file may be damaged`,
              { cause: e },
            );
          throw new MediaError(
            'MEDIA_CORRUPT_FILE',
            name,
            `exiftool could not read it (${msg.slice(0, 200)})`,
            { cause: e },
          );
        }
        const err = typeof tags['Error'] === 'string' ? tags['Error'] : undefined;
        const mime = typeof tags['MIMEType'] === 'string' ? tags['MIMEType'] : undefined;
        if (!mime || !/^(image|video)\/|^application\/rdf\+xml$/.test(mime)) {
          throw new MediaError(
            'MEDIA_UNSUPPORTED_FORMAT',
            name,
            `not a recognised photo or video (exiftool: ${err ?? mime ?? 'unknown type'})`,
          );
        }
        // Paths of the temp copy mean nothing to the caller.
        delete tags['SourceFile'];
        delete tags['Directory'];
        delete tags['FileName'];
        return tags;
      });
    },
    async readBinaryTag(input: MediaInput, tag: string): Promise<Uint8Array | undefined> {
      return withInputPath(input, async (path) => {
        try {
          const buf = await tool().extractBinaryTagToBuffer(tag as 'PreviewImage', path);
          return buf.byteLength > 0 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined;
        } catch {
          return undefined;
        }
      });
    },
  };
}

/** Synchronous: microseconds, where an async stat would queue behind sharp's decodes for a libuv thread. */
function fileSize(path: string, name: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    throw new MediaError(
      'MEDIA_NOT_FOUND',
      name,
      `cannot read ${JSON.stringify(path)}; check that it exists and is readable`,
      { cause: e },
    );
  }
}
