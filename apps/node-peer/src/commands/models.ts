import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { printJson } from './common.ts';

export function registerModels(program: Command): void {
  const models = program.command('models').description('machine-learning models (faces, tags, OCR, CLIP)');
  models
    .command('install')
    .description(
      'download the models into the models dir, checking each pinned sha256 (resumes broken downloads)',
    )
    .option('--dir <dir>', 'models dir (env HEARTH_MODELS_DIR)')
    .option('--base-url <url>', 'where to download from (env HEARTH_MODELS_URL)')
    .option('--json', 'machine-readable output')
    .action(async (o: { dir?: string; baseUrl?: string; json?: boolean }) => {
      const ml = await import('@hearth/ml/platform');
      const baseUrl = o.baseUrl ?? process.env['HEARTH_MODELS_URL'];
      if (!baseUrl)
        throw new ConfigError(
          'say where to download models from: --base-url <url> or HEARTH_MODELS_URL (a mirror of the model files)',
        );
      const dir = o.dir ?? ml.defaultModelsDir();
      const tty = process.stderr.isTTY && !o.json;
      const out = await ml.installModels({
        baseUrl,
        dir,
        ...(tty
          ? {
              onProgress: (p: { id: string; received: number; total: number | undefined }) =>
                process.stderr.write(
                  `\r${p.id}: ${Math.round(p.received / 1e6)}${p.total ? `/${Math.round(p.total / 1e6)}` : ''} MB   `,
                ),
            }
          : {}),
      });
      if (tty) process.stderr.write('\n');
      if (o.json) return printJson({ dir, models: out });
      for (const m of out) process.stdout.write(`${m.id}: ${m.result} (${m.file})\n`);
    });
}
