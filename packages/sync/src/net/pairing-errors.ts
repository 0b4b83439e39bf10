import { HearthError } from '../errors.ts';

/** The code was right but it is older than its lifetime (10 minutes). */
export class PairingCodeExpiredError extends HearthError {
  constructor() {
    super(
      'PAIRING_CODE_EXPIRED',
      'this pairing code has expired: run `hearth pair` on the home node for a new one',
    );
  }
}

/** The code was right but it has already paired a device. */
export class PairingCodeUsedError extends HearthError {
  constructor() {
    super(
      'PAIRING_CODE_USED',
      'this pairing code has already been used: each code pairs one device; run `hearth pair` for a new one',
    );
  }
}

/** The code does not match any code the home node issued. */
export class PairingCodeInvalidError extends HearthError {
  constructor() {
    super(
      'PAIRING_CODE_INVALID',
      'wrong pairing code: check it and try again (after 5 wrong tries the code stops working)',
    );
  }
}

/** Too many wrong tries: the code no longer works, even when typed correctly. */
export class PairingCodeVoidError extends HearthError {
  constructor() {
    super(
      'PAIRING_CODE_VOID',
      'this pairing code was voided after too many wrong tries: run `hearth pair` for a new one',
    );
  }
}

/** The code was made for another role (a device's code used to join as a home node, or the reverse). */
export class PairingRoleMismatchError extends HearthError {
  /** The role the code was issued for, when the home node said. */
  readonly codeRole: string | undefined;
  constructor(codeRole?: string) {
    super(
      'PAIRING_ROLE_MISMATCH',
      codeRole === 'home-node'
        ? 'this pairing code is for joining a second home node (`hearth init --join`), not for a device; run `hearth pair` for a device code'
        : 'this pairing code is for a device, not for a second home node: run `hearth pair --home-node` on the home node for a joining code',
    );
    this.codeRole = codeRole;
  }
}

/** A pairing link or code text that cannot be read. */
export class PairingLinkError extends HearthError {
  constructor(reason: string) {
    super(
      'PAIRING_LINK_INVALID',
      `cannot read the pairing link: ${reason}; copy the whole link or QR text again`,
    );
  }
}

/** Pairing broke off (network, protocol, or a reply that does not verify). */
export class PairingFailedError extends HearthError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('PAIRING_FAILED', `pairing failed: ${reason}`, options);
  }
}

/** Maps an error code sent by the home node back to the typed error. */
export function pairingErrorFromCode(code: unknown): HearthError {
  switch (code) {
    case 'PAIRING_CODE_EXPIRED':
      return new PairingCodeExpiredError();
    case 'PAIRING_CODE_USED':
      return new PairingCodeUsedError();
    case 'PAIRING_CODE_INVALID':
      return new PairingCodeInvalidError();
    case 'PAIRING_CODE_VOID':
      return new PairingCodeVoidError();
    case 'PAIRING_ROLE_MISMATCH':
      return new PairingRoleMismatchError();
    default:
      return new PairingFailedError(`the home node answered ${JSON.stringify(code)}`);
  }
}
