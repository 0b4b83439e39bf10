#!/usr/bin/env node
/**
 * `hearth`: the home node's command line. Every command takes --data-dir and --config;
 * exit codes: 0 ok, 1 failure, 2 bad usage/config, 3 data dir missing or locked,
 * 4 disk full, 5 verify found damage, 6 import finished but some files failed.
 */
import { Command, CommanderError } from 'commander';
import { HearthError } from '@hearth/sync';
import { NodePeerError } from './errors.ts';
import { registerInit } from './commands/init.ts';
import { registerStart } from './commands/start.ts';
import { registerImport } from './commands/import.ts';
import { registerStatus } from './commands/status.ts';
import { registerLs } from './commands/ls.ts';
import { registerExport } from './commands/export.ts';
import { registerVerify } from './commands/verify.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerPair } from './commands/pair.ts';
import { registerDevices } from './commands/devices.ts';
import { registerModels } from './commands/models.ts';
import { registerAudit } from './commands/audit.ts';

export function buildProgram(): Command {
  const program = new Command('hearth')
    .description('Hearth home node: keeps your photo library, serves the app, pairs your devices')
    .option('--data-dir <dir>', 'library data dir (env HEARTH_DATA_DIR, default ~/.hearth)')
    .option('--config <file>', 'JSON config file (env HEARTH_CONFIG, default <data-dir>/config.json)')
    .showHelpAfterError()
    .exitOverride();
  registerInit(program);
  registerStart(program);
  registerImport(program);
  registerStatus(program);
  registerLs(program);
  registerExport(program);
  registerVerify(program);
  registerInspect(program);
  registerPair(program);
  registerDevices(program);
  registerModels(program);
  registerAudit(program);
  return program;
}

async function main(): Promise<void> {
  // `hearth ls | head` closes the pipe early: that is a normal end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof NodePeerError) {
      process.stderr.write(`hearth: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof HearthError) {
      process.stderr.write(`hearth: ${err.message} (${err.code})\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`hearth: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

await main();
