/** The part of hypercore 11's API the node uses (the package ships no types). */
declare module 'hypercore' {
  import type { Duplex } from 'node:stream';
  interface KeyPair {
    publicKey: Buffer;
    secretKey: Buffer | null;
  }
  interface HypercoreOptions {
    keyPair?: KeyPair;
    valueEncoding?: 'json' | 'utf-8' | 'binary';
    key?: Buffer;
  }
  export default class Hypercore {
    constructor(storage: string, opts?: HypercoreOptions);
    constructor(storage: string, key: Buffer, opts?: HypercoreOptions);
    /** The core key of the default manifest whose single signer is `publicKey`. */
    static key(publicKey: Buffer): Buffer;
    readonly key: Buffer;
    readonly length: number;
    readonly writable: boolean;
    readonly keyPair: KeyPair | null;
    ready(): Promise<void>;
    append(block: unknown): Promise<{ length: number }>;
    get(index: number, opts?: { wait?: boolean }): Promise<unknown>;
    treeHash(length?: number): Promise<Buffer>;
    replicate(isInitiator: boolean, opts?: Record<string, unknown>): Duplex;
    get(index: number): Promise<unknown>;
    update(opts?: { wait?: boolean }): Promise<boolean>;
    close(): Promise<void>;
  }
}
