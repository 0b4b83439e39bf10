import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { multiaddr } from '@multiformats/multiaddr';
import { libraryIdOf } from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { pullAuditLog, AUDIT_PROTOCOL } from '../audit-replica.ts';
import { loadOrCreateDeviceKey } from '../device-key-file.ts';
import { VerifyFailedError } from '../errors.ts';
import { streamToDuplex } from '../stream-duplex.ts';
import { configOf, printJson } from './common.ts';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the signed audit log');
  audit
    .command('pull')
    .description(
      "replicate a home node's audit log into this data dir (this node must be paired with that library) and verify it",
    )
    .requiredOption('--from <multiaddr>', 'the home node, e.g. /ip4/192.168.1.10/tcp/8421/p2p/12D3Koo…')
    .requiredOption('--library-key <key>', 'the library public key (base64url, from its library.json)')
    .option('--json', 'machine-readable output')
    .action(async (o: { from: string; libraryKey: string; json?: boolean }, cmd: Command) => {
      const dataDir = configOf(cmd).dataDir;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const privateKey = await loadOrCreateDeviceKey(join(dataDir, 'node.key'));
      const node = await createPeerNode({ privateKey, listen: [], relayServer: false });
      try {
        const stream = await node.dialProtocol(multiaddr(o.from), AUDIT_PROTOCOL);
        const dir = join(dataDir, 'audit-replicas', libraryIdOf(o.libraryKey));
        const r = await pullAuditLog(dir, o.libraryKey, streamToDuplex(stream));
        if (o.json) printJson({ dir, ...r });
        else {
          process.stdout.write(
            `audit log replica in ${dir}: ${r.length} entries, ${r.ok ? 'verified' : 'BROKEN'}\n`,
          );
          for (const p of r.problems) process.stdout.write(`  ${p}\n`);
        }
        if (!r.ok) throw new VerifyFailedError('the replicated audit log does not verify');
      } finally {
        await node.stop();
      }
    });
}
