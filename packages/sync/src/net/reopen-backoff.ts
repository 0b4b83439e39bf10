/**
 * Reopen attempts per peer, with backoff: a link can fail while its connection lives on
 * (both sides opening while one does not yet know the other is paired, or a stream reset),
 * so it is tried again a few times, 100 ms × 2^attempt apart.
 */
export class ReopenBackoff {
  readonly #retries = new Map<
    string,
    { attempts: number; timer: ReturnType<typeof setTimeout> | undefined }
  >();

  readonly #maxAttempts: number;

  constructor(maxAttempts: number) {
    this.#maxAttempts = maxAttempts;
  }

  /** Runs `open` after the peer's next delay, unless one is pending or its attempts are spent. */
  schedule(peer: string, open: () => void): void {
    const r = this.#retries.get(peer) ?? { attempts: 0, timer: undefined };
    if (r.attempts >= this.#maxAttempts || r.timer !== undefined) return;
    r.attempts++;
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        open();
      },
      100 * 2 ** r.attempts,
    );
    this.#retries.set(peer, r);
  }

  /** The peer has a good link again, or left: its attempts start over, a pending one is dropped. */
  reset(peer: string): void {
    clearTimeout(this.#retries.get(peer)?.timer);
    this.#retries.delete(peer);
  }

  /** Drops every pending attempt (the adapter disconnected). */
  clear(): void {
    for (const r of this.#retries.values()) clearTimeout(r.timer);
    this.#retries.clear();
  }
}
