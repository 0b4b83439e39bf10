import type { Command } from 'commander';
import { paceGcMarking } from '@hearth/sync/platform';
import { createDaemon } from '../daemon.ts';
import { printOffer } from './pair.ts';
import { configOf } from './common.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the home node: serve the app, derive thumbnails and previews, sync with paired devices')
    .option('--host <host>', 'HTTP listen address (env HEARTH_HOST, default 127.0.0.1)')
    .option('--port <port>', 'HTTP port (env HEARTH_PORT, default 8420; 0 = any free port)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (env HEARTH_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (env HEARTH_TLS_KEY)')
    .option('--pwa-dir <dir>', 'built web app to serve (env HEARTH_PWA_DIR)')
    .option('--concurrency <n>', 'derivation jobs at once per kind (env HEARTH_CONCURRENCY, default 2)')
    .option(
      '--p2p-port <port>',
      'libp2p TCP port; WebSockets use the next one (env HEARTH_P2P_PORT, default 8421)',
    )
    .option('--no-mdns', 'do not announce on the LAN (env HEARTH_MDNS=0)')
    .option(
      '--ice-servers <list>',
      'STUN/TURN servers for WebRTC between devices: stun: URLs, or a JSON list with TURN credentials (env HEARTH_ICE_SERVERS)',
    )
    .action(
      async (
        opts: {
          host?: string;
          port?: string;
          tlsCert?: string;
          tlsKey?: string;
          pwaDir?: string;
          concurrency?: string;
          p2pPort?: string;
          mdns?: boolean;
          iceServers?: string;
        },
        cmd: Command,
      ) => {
        // V8 would otherwise mark a small heap back to back while blobs move (gc-pacing.node.ts).
        paceGcMarking();
        const { mdns, ...rest } = opts;
        // commander sets mdns=true by default; only an explicit --no-mdns is a flag.
        const cfg = configOf(cmd, mdns === false ? { ...rest, mdns: 'off' } : rest);
        const log = (line: string) => process.stdout.write(`${line}\n`);
        const daemon = createDaemon(cfg, log);
        let stopping: Promise<void> | undefined;
        const shutdown = (signal: string) => {
          if (stopping) {
            log(`${signal} again: exiting now`);
            process.exit(130);
          }
          log(`${signal}: shutting down`);
          stopping = daemon.stop().then(() => {
            log('stopped');
            process.exit(0);
          });
        };
        process.on('SIGINT', () => shutdown('SIGINT'));
        process.on('SIGTERM', () => shutdown('SIGTERM'));
        try {
          await daemon.start();
        } catch (err) {
          await daemon.stop();
          throw err;
        }
        log(`Hearth home node for library ${daemon.library.info.id} (data dir ${cfg.dataDir})`);
        log(`Serving the app at ${daemon.url}`);
        log(`Peer id ${daemon.peers.deviceId}; devices connect to ${daemon.peers.addresses().join(' ')}`);
        const m = daemon.library.membership;
        if (m) {
          log(`Second home node: pins everything; pairing and revocation happen on ${m.homeNode}`);
        } else {
          printOffer(daemon.admin.offer(), log, process.stdout.isTTY === true);
          log(
            'More codes: `hearth pair` (a second home node: `hearth pair --home-node`). Devices: `hearth devices`.',
          );
        }
        log('ready');
      },
    );
}
