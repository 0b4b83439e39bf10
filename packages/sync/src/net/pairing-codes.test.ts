import { describe, expect, it } from 'vitest';
import { createPairingCodes, normalizeCode } from './pairing-codes.ts';
import {
  PairingCodeExpiredError,
  PairingCodeInvalidError,
  PairingCodeUsedError,
  PairingCodeVoidError,
  PairingRoleMismatchError,
} from './pairing-errors.ts';

const is = (code: string) => (c: string) => c === normalizeCode(code);

describe('PairingCodes', () => {
  it('issues readable 8-character codes that redeem once', () => {
    const codes = createPairingCodes();
    const { code } = codes.issue();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(codes.redeem(is(code.toLowerCase().replace('-', ' ')))).toBe(normalizeCode(code));
    expect(() => codes.redeem(is(code))).toThrow(PairingCodeUsedError);
  });

  it('a code redeems only for the role it was issued for; a mismatch does not use it up', () => {
    const codes = createPairingCodes();
    const node = codes.issue({ role: 'home-node' });
    expect(node.role).toBe('home-node');
    expect(codes.issue().role).toBe('device');
    expect(() => codes.redeem(is(node.code))).toThrow(PairingRoleMismatchError);
    expect(codes.triesLeft(node.code)).toBe(5);
    expect(codes.redeem(is(node.code), 'home-node')).toBe(normalizeCode(node.code));
  });

  it('expires after 10 minutes on the injected clock', () => {
    let t = 1_000_000;
    const codes = createPairingCodes({ now: () => t });
    const { code, expiresAt } = codes.issue();
    expect(expiresAt).toBe(t + 600_000);
    t += 600_000;
    expect(() => codes.redeem(is(code))).toThrow(PairingCodeExpiredError);
  });

  it('five wrong tries void the code, even for the right code afterwards', () => {
    const codes = createPairingCodes();
    const { code } = codes.issue();
    for (let i = 0; i < 5; i++) {
      expect(codes.triesLeft(code)).toBe(5 - i);
      expect(() => codes.redeem(() => false)).toThrow(PairingCodeInvalidError);
    }
    expect(codes.triesLeft(code)).toBe(0);
    const err = (() => {
      try {
        codes.redeem(is(code));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PairingCodeVoidError);
    expect((err as PairingCodeVoidError).code).toBe('PAIRING_CODE_VOID');
  });

  it('four wrong tries still leave the right code usable', () => {
    const codes = createPairingCodes();
    const { code } = codes.issue();
    for (let i = 0; i < 4; i++) expect(() => codes.redeem(() => false)).toThrow(PairingCodeInvalidError);
    expect(codes.redeem(is(code))).toBe(normalizeCode(code));
  });
});
