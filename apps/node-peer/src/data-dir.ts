import { join } from 'node:path';

/**
 * Where each part of a library lives inside the data dir. One place so the README's
 * layout table, `init` and every command agree.
 */
export interface DataDirLayout {
  root: string;
  /** Ed25519 library private key, PKCS#8 PEM, mode 0600. */
  libraryKey: string;
  /** Public facts about the library: id, public key, name, created-at. */
  libraryJson: string;
  /** Optional JSON config file (lowest precedence). */
  configJson: string;
  /** Content-addressed blobs: `blobs/sha256/ab/cd/<hash>`, in-flight writes in `blobs/tmp/`. */
  blobs: string;
  /** The node's catalog (asset records and derivative records, append-only). */
  catalog: string;
  /** The audit log (hypercore). */
  audit: string;
  /** PID + HTTP address of the running daemon. */
  daemonJson: string;
  /**
   * Only on a second home node (`hearth init --join`): its certificate and the home node it
   * joined. Such a data dir has no `library.key`.
   */
  membershipJson: string;
  /** One small file per running ffmpeg, so a start after a crash can reap what it left running. */
  ffmpegChildren: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    libraryKey: join(root, 'library.key'),
    libraryJson: join(root, 'library.json'),
    configJson: join(root, 'config.json'),
    blobs: join(root, 'blobs'),
    catalog: join(root, 'catalog'),
    audit: join(root, 'audit'),
    daemonJson: join(root, 'daemon.json'),
    membershipJson: join(root, 'membership.json'),
    ffmpegChildren: join(root, 'ffmpeg-children'),
  };
}
