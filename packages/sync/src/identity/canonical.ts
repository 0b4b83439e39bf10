import { encode } from 'cborg';

/**
 * The bytes a signature covers: deterministic CBOR (cborg sorts map keys canonically) of a
 * domain tag and the fields. The tag stops a signature over one kind of statement (a
 * certificate) being replayed as another (a revocation).
 */
export function canonicalBytes(domain: string, fields: Record<string, string | number>): Uint8Array {
  return encode([domain, fields]);
}
