import { HearthError } from '../errors.ts';

/** A key's bytes or text could not be read as an Ed25519 library key. */
export class InvalidKeyError extends HearthError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      'INVALID_KEY',
      `${what} is not a valid Ed25519 key; restore the key file from a backup or re-run \`hearth init\` on a new data dir`,
      options,
    );
  }
}

/** A certificate or revocation is malformed or its signature does not verify. */
export class InvalidCertificateError extends HearthError {
  constructor(reason: string) {
    super('INVALID_CERTIFICATE', `device certificate rejected: ${reason}`);
  }
}
