/**
 * Errors that cross the package boundary. Each has a stable `code` that callers (and the
 * apps' messages to users) switch on; the message is for people.
 */
export class HearthError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class InvalidIdError extends HearthError {
  constructor(kind: string, value: string) {
    super('INVALID_ID', `not a valid ${kind}: ${JSON.stringify(value.slice(0, 80))}`);
  }
}
