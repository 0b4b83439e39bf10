import type { Connection, Stream } from '@libp2p/interface';
import type { PeerNode } from '@hearth/sync';
import type { AuditLog } from './audit-log.ts';
import { AUDIT_PROTOCOL } from './audit-replica.ts';
import { streamToDuplex } from './stream-duplex.ts';

/** Serve the audit log to paired peers (a second home node keeps a replica). */
export async function serveAuditLog(
  node: PeerNode,
  audit: AuditLog,
  isPaired: (peer: string) => boolean,
  log: (s: string) => void,
  /** Called after a peer's replication ended, with the log's length (`hearth status` backups). */
  onServed?: (peer: string, length: number) => Promise<void>,
): Promise<() => Promise<void>> {
  await node.handle(
    AUDIT_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      // Unpaired peers learn nothing, not even that a log exists.
      if (!isPaired(connection.remotePeer.toString())) return void stream.abort(new Error('not paired'));
      const peer = connection.remotePeer.toString();
      audit
        .replicate(streamToDuplex(stream), false)
        .then(async () => onServed?.(peer, (await audit.entries()).length))
        .catch((err: unknown) => log(`audit replication: ${(err as Error).message}`));
    },
    { maxInboundStreams: 2 },
  );
  return () => node.unhandle(AUDIT_PROTOCOL);
}
