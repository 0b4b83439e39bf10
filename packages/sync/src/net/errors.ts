import { HearthError } from '../errors.ts';

/** A peer sent something that is not a valid frame of the protocol; the peer is dropped. */
export class ProtocolViolationError extends HearthError {
  constructor(protocol: string, reason: string) {
    super('PROTOCOL_VIOLATION', `${protocol}: ${reason}`);
  }
}
