// The light entry: the main one would pull libp2p and Automerge into every browser bundle.
import { HearthError } from '@hearth/sync/errors';

/**
 * Stable codes for everything that can go wrong turning a file into an asset. Callers switch
 * on `code`; the message names the file and what to do. The original file is never touched.
 */
export type MediaErrorCode =
  | 'MEDIA_EMPTY_FILE'
  | 'MEDIA_UNSUPPORTED_FORMAT'
  | 'MEDIA_CORRUPT_FILE'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_TIMEOUT'
  | 'MEDIA_TOOL_MISSING'
  | 'MEDIA_TOOL_FAILED'
  | 'MEDIA_BAD_NAME'
  | 'MEDIA_NOT_FOUND'
  /** A motion photo whose embedded video cannot be read; the still is unaffected. */
  | 'MEDIA_MOTION_VIDEO_INVALID'
  /** The caller's AbortSignal fired; the job was stopped (native process killed, worker ended). */
  | 'MEDIA_ABORTED';

export class MediaError extends HearthError {
  override readonly code: MediaErrorCode;
  /** The file (display name) the error is about. */
  readonly file: string;
  constructor(code: MediaErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${message}`, options);
    this.code = code;
    this.file = file;
  }
}

/** MEDIA_ABORTED for `file`, with the signal's reason as its cause. */
export function mediaAborted(file: string, signal?: AbortSignal): MediaError {
  return new MediaError('MEDIA_ABORTED', file, 'stopped on request; the original is kept', {
    cause: signal?.reason,
  });
}

/** MEDIA_ABORTED for `file` when `signal` has fired, else undefined. */
export function abortedError(signal: AbortSignal | undefined, file: string): MediaError | undefined {
  return signal?.aborted ? mediaAborted(file, signal) : undefined;
}

/** True if `e` is a MediaError (optionally with the given code). */
export function isMediaError(e: unknown, code?: MediaErrorCode): e is MediaError {
  return e instanceof MediaError && (code === undefined || e.code === code);
}
