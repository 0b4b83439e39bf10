import { HearthError } from '../errors.ts';

/** A wait that took longer than its bound (tests and protocol round trips). */
export class TimeoutError extends HearthError {
  constructor(what: string, ms: number) {
    super('TIMEOUT', `${what} did not happen within ${ms} ms`);
  }
}

/** Races a promise against a bound; the timer is cleared either way. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
