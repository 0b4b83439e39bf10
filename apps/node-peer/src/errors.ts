import { HearthError } from '@hearth/sync';

/**
 * Errors of the home node. Each carries a stable `code` and a process exit code, so the
 * CLI can map failures to exits scripts can switch on (see cli-exit-codes in README).
 */
export class NodePeerError extends HearthError {
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(code, message, options);
    this.exitCode = exitCode;
  }
}

/** Bad usage or configuration (exit 2). */
export class ConfigError extends NodePeerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, 2, options);
  }
}

/** The data dir is missing, not initialised, or held by another process (exit 3). */
export class DataDirError extends NodePeerError {
  constructor(
    code: 'NOT_INITIALISED' | 'LOCKED' | 'CORRUPT' | 'ALREADY_INITIALISED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, 3, options);
  }
}

/**
 * This node joined the library as a second home node and does not hold the library key, so
 * it cannot sign certificates or revocations (exit 2: ask the node that created the library).
 */
export class NotKeyHolderError extends NodePeerError {
  constructor(what: string, homeNode: string) {
    super(
      'NOT_KEY_HOLDER',
      `this is a second home node: it cannot ${what}; do that on the home node that created the library (${homeNode})`,
      2,
    );
  }
}

/** The disk is full: nothing partial was written; free space and run again (exit 4). */
export class DiskFullError extends NodePeerError {
  constructor(path: string, options?: { cause?: unknown }) {
    super(
      'DISK_FULL',
      `no space left on the device while writing ${path}: nothing partial was kept; free some space and run the command again (it resumes)`,
      4,
      options,
    );
  }
}

/** `hearth verify` found damage (exit 5). */
export class VerifyFailedError extends NodePeerError {
  constructor(message: string) {
    super('VERIFY_FAILED', message, 5);
  }
}

/** A blob's bytes do not match its hash. */
export class BlobCorruptError extends NodePeerError {
  constructor(hash: string, path: string) {
    super('BLOB_CORRUPT', `blob ${hash} at ${path} does not match its hash`, 5);
  }
}

/** The audit log's chain or a signature is broken. */
export class AuditLogError extends NodePeerError {
  constructor(message: string) {
    super('AUDIT_LOG', message, 5);
  }
}

/** True for the errno codes that mean the device is out of space. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** A pipeline step can never handle this input (e.g. undecodable); recorded and not retried at this version. */
export class StepFailedError extends NodePeerError {
  constructor(kind: string, file: string, detail: string, options?: { cause?: unknown }) {
    super('STEP_FAILED', `${kind} of ${file} failed: ${detail}`, 1, options);
  }
}
