/**
 * When a {@link Libp2pNetworkAdapter} counts as ready: once a link is up to every paired peer
 * that was connected when the repo connected (to the first peer, when there were none), or
 * after a timeout, so an offline device still loads its documents from storage.
 */
export class AdapterReadiness {
  #ready = false;
  #resolve: (() => void) | undefined;
  readonly #promise: Promise<void>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** peers still waited for; undefined until the protocol handler is registered */
  #awaiting: Set<string> | undefined;
  #announcedAny = false;

  constructor() {
    this.#promise = new Promise((resolve) => (this.#resolve = resolve));
  }

  get ready(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#promise;
  }

  /** Ready after `ms` at the latest (the repo connected). */
  startTimer(ms: number): void {
    if (!this.#ready) this.#timer = setTimeout(() => this.markReady(), ms);
  }

  /** The peers to wait for (paired and connected now); those `announced` already are not. */
  waitFor(peers: string[], announced: (peer: string) => boolean): void {
    this.#awaiting = new Set(peers);
    for (const peer of this.#awaiting) if (announced(peer)) this.#awaiting.delete(peer);
    if (this.#announcedAny && this.#awaiting.size === 0) this.markReady();
  }

  /**
   * A peer waited for has answered: its link is up, or opening it failed (it does not run
   * the protocol, or refused us). Ready once all have, if any link is up.
   */
  settle(peer: string, announced: boolean): void {
    if (announced) this.#announcedAny = true;
    this.#awaiting?.delete(peer);
    if (this.#announcedAny && (this.#awaiting === undefined || this.#awaiting.size === 0)) this.markReady();
  }

  markReady(): void {
    if (this.#ready) return;
    this.#ready = true;
    clearTimeout(this.#timer);
    this.#resolve?.();
  }
}
