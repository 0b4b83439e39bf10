import type { Command } from 'commander';
import { initLibrary } from '../library.ts';
import { joinLibrary } from '../join-library.ts';
import { configOf, printJson } from './common.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'create the library (key pair, data dir); running it again changes nothing. With --join: make this a second home node of an existing library',
    )
    .option('--name <name>', 'library name', 'My library')
    .option(
      '--join <link>',
      'join the library of the home node that showed this link (`hearth pair --home-node` there) as a second home node; needs a fresh data dir',
    )
    .option('--node-name <name>', "with --join: this node's name in the device list (default: host name)")
    .option('--json', 'machine-readable output')
    .action(
      async (opts: { name: string; join?: string; nodeName?: string; json?: boolean }, cmd: Command) => {
        const cfg = configOf(cmd);
        if (opts.join !== undefined) {
          const info = await joinLibrary(
            cfg.dataDir,
            opts.join,
            opts.nodeName ? { name: opts.nodeName } : {},
          );
          if (opts.json)
            printJson({ joined: true, dataDir: cfg.dataDir, libraryId: info.id, name: info.name });
          else
            process.stdout.write(
              `joined library ${info.name} (${info.id}) as a second home node in ${cfg.dataDir}; run \`hearth start\` to pull everything\n`,
            );
          // Done (everything is on disk, the repo and libp2p are stopped). automerge-repo may still
          // hold a 60 s wait for a document the first node offered besides the root; it would keep
          // the process alive and then fail it with an unhandled TimeoutError (seen under load).
          // Output to a pipe or file is written synchronously on Linux, so nothing is cut.
          process.exit(0);
        }
        const { info, created } = await initLibrary(cfg.dataDir, opts.name);
        if (opts.json)
          return printJson({ created, dataDir: cfg.dataDir, libraryId: info.id, name: info.name });
        process.stdout.write(
          created
            ? `created library ${info.id} in ${cfg.dataDir}\n`
            : `library ${info.id} already exists in ${cfg.dataDir}; nothing changed\n`,
        );
      },
    );
}
