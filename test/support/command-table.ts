import type { CommandHandler } from './peer-context.ts';
import { netCommands } from './net-commands.ts';
import { catalogCommands } from './catalog-commands.ts';
import { blobCommands } from './blob-commands.ts';
import { homeNodeCommands } from './home-node-commands.ts';

/**
 * Every command a peer process understands, by name. To add a set (e.g. catalog
 * operations), write `<area>-commands.ts` exporting a `Record<string, CommandHandler>`
 * and spread it in here.
 */
export const commandTable: Record<string, CommandHandler> = {
  ...netCommands,
  ...catalogCommands,
  ...blobCommands,
  ...homeNodeCommands,
};
