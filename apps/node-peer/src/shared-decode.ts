/** Hands one decoded value to several consumers, decoding it once. */
export interface SharedDecode<T> {
  /** The value for `key`: decoded on the first call, then shared until `users` calls took it. */
  get(key: string): Promise<T>;
  /** Entries held now (for tests). */
  readonly size: number;
}

/**
 * The ML steps each need the same photo as RGB pixels; decoding a 24 MP JPEG costs more
 * than some of the models. The steps walk the queue in the same order, so the decode of
 * one is shared with the others. An entry leaves after `users` takes, or as the oldest
 * when more than `max` are held (a step that skipped or failed never takes its share),
 * which bounds memory to `max` decoded photos.
 */
export function createSharedDecode<T>(
  decode: (key: string) => Promise<T>,
  opts: { users: number; max: number },
): SharedDecode<T> {
  const held = new Map<string, { value: Promise<T>; taken: number }>();
  return {
    get(key) {
      let e = held.get(key);
      if (!e) {
        e = { value: decode(key), taken: 0 };
        held.set(key, e);
        // A failed decode is not kept: the next step gets its own (typed) error.
        e.value.catch(() => held.delete(key));
        while (held.size > opts.max) held.delete(held.keys().next().value as string);
      }
      if (++e.taken >= opts.users) held.delete(key);
      return e.value;
    },
    get size() {
      return held.size;
    },
  };
}
