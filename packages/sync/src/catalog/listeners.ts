/** A minimal typed listener set (portable: no node:events). */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(value: T): void {
    for (const l of [...this.#set]) l(value);
  }

  clear(): void {
    this.#set.clear();
  }
}
