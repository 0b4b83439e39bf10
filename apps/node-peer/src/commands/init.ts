import type { Command } from 'commander';
import { initLibrary } from '../library.ts';
import { configOf, printJson } from './common.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the library (key pair, data dir); running it again changes nothing')
    .option('--name <name>', 'library name', 'My library')
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; json?: boolean }, cmd: Command) => {
      const cfg = configOf(cmd);
      const { info, created } = await initLibrary(cfg.dataDir, opts.name);
      if (opts.json) return printJson({ created, dataDir: cfg.dataDir, libraryId: info.id, name: info.name });
      process.stdout.write(
        created
          ? `created library ${info.id} in ${cfg.dataDir}\n`
          : `library ${info.id} already exists in ${cfg.dataDir}; nothing changed\n`,
      );
    });
}
