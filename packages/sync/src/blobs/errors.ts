/**
 * Blob errors. Each has a stable `code`; messages name the blob and say what to do.
 */
import { HearthError } from '../errors.ts';

/** The blob is not in this store (or, over the network, not available to you). */
export class BlobNotFoundError extends HearthError {
  readonly hash: string;
  constructor(hash: string) {
    super('BLOB_NOT_FOUND', `blob ${hash} is not in this store; fetch it from a peer that holds it`);
    this.hash = hash;
  }
}

/** The bytes written or received do not hash to what was expected; nothing was stored. */
export class BlobHashMismatchError extends HearthError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, where: string) {
    super(
      'BLOB_HASH_MISMATCH',
      `${where}: expected sha256 ${expected} but the bytes hash to ${actual}; nothing was stored, fetch the blob again`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** The disk (or browser quota) is full; the partial write was removed. */
export class BlobStoreFullError extends HearthError {
  constructor(where: string, options?: { cause?: unknown }) {
    super(
      'BLOB_STORE_FULL',
      `no space left writing a blob in ${where}; the partial file was removed, free space and retry`,
      options,
    );
  }
}

/** A range outside the blob, or a malformed one. */
export class BlobRangeError extends HearthError {
  constructor(hash: string, start: number, end: number, size: number) {
    super('BLOB_RANGE_INVALID', `range ${start}-${end} is outside blob ${hash} of ${size} bytes`);
  }
}

/** No reachable peer could deliver the blob intact. */
export class BlobTransferError extends HearthError {
  readonly hash: string;
  constructor(hash: string, detail: string, options?: { cause?: unknown }) {
    super('BLOB_TRANSFER_FAILED', `could not fetch blob ${hash}: ${detail}`, options);
    this.hash = hash;
  }
}

/** A peer broke the protocol (oversized frame, unknown message, bad data). */
export class BlobProtocolError extends HearthError {
  constructor(detail: string) {
    super('BLOB_PROTOCOL', `blob protocol violation: ${detail}`);
  }
}

/** A peer speaks an older `/hearth/blob` version (it must be updated before it can serve blobs). */
export class BlobVersionError extends HearthError {
  readonly peer: string;
  readonly protocol: string;
  constructor(peer: string, protocol: string, expected: string) {
    super(
      'BLOB_PROTOCOL_VERSION',
      `peer ${peer} speaks ${protocol}, not ${expected}; update Hearth on that device to fetch blobs from it`,
    );
    this.peer = peer;
    this.protocol = protocol;
  }
}

/** A blob read token was missing, malformed, expired or for something else. */
export class BlobTokenError extends HearthError {
  constructor(detail: string) {
    super('BLOB_TOKEN_INVALID', `blob token rejected: ${detail}; mint a new one over libp2p`);
  }
}

/** A home node took a token request and gave no answer in time (busy, or a broken connection). */
export class BlobTokenTimeoutError extends HearthError {
  readonly peer: string;
  constructor(peer: string, ms: number, options?: { cause?: unknown }) {
    super(
      'BLOB_TOKEN_TIMEOUT',
      `home node ${peer} gave no blob token within ${ms} ms; asked again later`,
      options,
    );
    this.peer = peer;
  }
}

/** A peer closed or reset a blob stream (crashed, went away, or refused us). */
export class BlobPeerError extends HearthError {
  readonly peer: string;
  constructor(peer: string, options?: { cause?: unknown }) {
    super(
      'BLOB_PEER_FAILED',
      `peer ${peer} closed the blob stream; the blob will be fetched from another peer`,
      options,
    );
    this.peer = peer;
  }
}
