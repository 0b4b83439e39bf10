import type { DeviceRole } from '../identity/device-certificate.ts';
import {
  PairingCodeExpiredError,
  PairingCodeInvalidError,
  PairingCodeUsedError,
  PairingCodeVoidError,
  PairingRoleMismatchError,
} from './pairing-errors.ts';

/** Crockford base32: no I, L, O, U, so a code read aloud or off a screen survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 8;

/** Options of {@link createPairingCodes}. */
export interface PairingCodesOptions {
  /** ms since epoch; injectable so tests can expire a code without waiting */
  now?: () => number;
  /** lifetime of a code (default 10 minutes) */
  ttlMs?: number;
  /** wrong tries after which a code is void (default 5) */
  maxWrongTries?: number;
}

/** A code as shown to the user. */
export interface IssuedCode {
  /** e.g. `7KQ2-M9XD` */
  code: string;
  expiresAt: number;
  /** What the code admits: a device (the default) or a second home node. */
  role: DeviceRole;
}

/** One-time pairing codes on the issuing (home) node. */
export interface PairingCodes {
  /** A new code admitting `role` (default `device`). */
  issue(options?: { role?: DeviceRole }): IssuedCode;
  /**
   * Finds the code `matches` accepts and consumes it. Throws PairingCodeUsedError,
   * PairingCodeExpiredError or PairingCodeVoidError when it matches a code that can no
   * longer be used, PairingCodeInvalidError (and counts a wrong try against every live
   * code) when it matches none, and PairingRoleMismatchError (the code stays usable) when
   * it was issued for another role than `role` (default `device`): a phone cannot become a
   * home node with a code shown for one, nor the other way round.
   */
  redeem(matches: (code: string) => boolean, role?: DeviceRole): string;
  /** wrong tries left on a code, for display (0 when void, used or unknown) */
  triesLeft(code: string): number;
}

interface CodeState {
  role: DeviceRole;
  expiresAt: number;
  used: boolean;
  wrong: number;
}

/** Uppercases and strips separators, so `7kq2 m9xd` and `7KQ2-M9XD` are the same code. */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export function createPairingCodes(options: PairingCodesOptions = {}): PairingCodes {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? 10 * 60_000;
  const maxWrong = options.maxWrongTries ?? 5;
  const codes = new Map<string, CodeState>();
  const live = (s: CodeState, t: number): boolean => !s.used && s.wrong < maxWrong && t < s.expiresAt;

  function prune(t: number): void {
    // Dead codes are kept a day so a late try still gets "used"/"expired", not "wrong".
    for (const [c, s] of codes) if (t > s.expiresAt + 24 * 3600_000) codes.delete(c);
  }

  return {
    issue(opts = {}) {
      const role = opts.role ?? 'device';
      const t = now();
      prune(t);
      let code: string;
      do {
        const bytes = crypto.getRandomValues(new Uint8Array(CODE_CHARS));
        code = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
      } while (codes.has(code));
      codes.set(code, { role, expiresAt: t + ttl, used: false, wrong: 0 });
      return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt: t + ttl, role };
    },
    redeem(matches, role = 'device') {
      const t = now();
      for (const [code, s] of codes) {
        if (!matches(code)) continue;
        if (s.wrong >= maxWrong) throw new PairingCodeVoidError();
        if (s.used) throw new PairingCodeUsedError();
        if (t >= s.expiresAt) throw new PairingCodeExpiredError();
        if (s.role !== role) throw new PairingRoleMismatchError(s.role);
        s.used = true;
        return code;
      }
      for (const s of codes.values()) if (live(s, t)) s.wrong++;
      throw new PairingCodeInvalidError();
    },
    triesLeft(code) {
      const s = codes.get(normalizeCode(code));
      return s && live(s, now()) ? maxWrong - s.wrong : 0;
    },
  };
}
