/**
 * The PWA's error base: same shape as @hearth/sync's HearthError (a stable `code`, a message
 * for people). Defined here because importing anything from the `@hearth/sync` barrel pulls
 * Automerge's 3.6 MB wasm into the first-paint bundle; the catalog belongs in a worker.
 */
export class PwaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A random URL-safe id (128 bits) for albums and queue entries, like @hearth/sync's randomId. */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
