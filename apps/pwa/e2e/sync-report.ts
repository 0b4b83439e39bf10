/**
 * What a failed wait for synced data says about each side (e2e only): so a CI failure of a
 * catalog-sync step tells whether the editing device never sent it, the home node never had
 * it, or the other device had it and the page did not show it.
 */
import type { Page } from 'playwright-core';

/** The lines a page and its workers logged, last `max` kept (see `followConsole`). */
export interface ConsoleLog {
  lines: string[];
}

/** Keeps the page's and its workers' console lines (the peer worker logs catalog problems). */
export function followConsole(page: Page, max = 300): ConsoleLog {
  const log: ConsoleLog = { lines: [] };
  const keep = (line: string) => {
    log.lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (log.lines.length > max) log.lines.shift();
  };
  // Worker messages may reach the page's event too: each is kept once, from its worker.
  page.on('console', (m) => void (m.worker() ?? keep(`[page ${m.type()}] ${m.text()}`)));
  page.on('worker', (w) => w.on('console', (m) => keep(`[worker ${m.type()}] ${m.text()}`)));
  return log;
}

/** A device as the report sees it. */
export interface ReportedDevice {
  page: Page;
  log: ConsoleLog;
}

const bounded = <T>(p: Promise<T>, fallback: T, ms = 5000): Promise<T> =>
  Promise.race([p.catch(() => fallback), new Promise<T>((r) => setTimeout(() => r(fallback), ms).unref())]);

/** The album titles the Albums page lists now, then after opening it again (a fresh read). */
async function albumTitles(page: Page): Promise<{ shown: string[]; reread: string[] }> {
  const titles = () => bounded(page.locator('.album-card .album-title').allTextContents(), ['(unreadable)']);
  const shown = /#\/albums$/.test(page.url()) ? await titles() : ['(not on the Albums page)'];
  await bounded(page.getByRole('link', { name: 'Photos' }).click({ timeout: 5000 }), undefined);
  await bounded(page.getByRole('link', { name: 'Albums' }).click({ timeout: 5000 }), undefined);
  // The list is read once the page opens: give the worker a moment to answer.
  await bounded(page.locator('.album-card').first().waitFor({ timeout: 3000 }), undefined);
  return { shown, reread: await titles() };
}

/**
 * A report of every device (status line, album titles shown and re-read unless `albums` is
 * false, last console lines) and the home node's last output. Each look is bounded, so a
 * wedged page cannot hang it.
 */
export async function syncReport(
  devices: Record<string, ReportedDevice>,
  nodeOutput?: () => string,
  opts: { albums?: boolean } = {},
): Promise<string> {
  // "all synced" on the device that edited: the home node reported heads holding its edits.
  const out: string[] = ['("all synced": the home node holds every edit this device made)'];
  for (const [name, d] of Object.entries(devices)) {
    const status = await bounded(d.page.getByRole('status').allTextContents(), ['(unreadable)']);
    out.push(
      `--- device ${name} at ${d.page.url()}`,
      `status: ${status.map((s) => JSON.stringify(s)).join(' | ')}`,
    );
    if (opts.albums !== false) {
      const albums = await albumTitles(d.page);
      out.push(
        `albums shown: ${JSON.stringify(albums.shown)}; after opening Albums again: ${JSON.stringify(albums.reread)}`,
      );
    }
    out.push(`console (last 40 of ${d.log.lines.length}):`, ...d.log.lines.slice(-40).map((l) => `  ${l}`));
  }
  if (nodeOutput) out.push('--- home node output (last 40 lines):', ...nodeOutput().split('\n').slice(-40));
  return out.join('\n');
}

/**
 * Runs `step`; if it fails, rethrows with the report appended (the original error first, so
 * the failure still reads as the timeout it was).
 */
export async function explainFailure<T>(step: () => Promise<T>, report: () => Promise<string>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const detail = await report().catch((r: unknown) => `(no report: ${String(r)})`);
    const err = e instanceof Error ? e : new Error(String(e));
    // The runner prints the stack, which holds the message as it was when first read: read it
    // before the message changes, then put the new message in it.
    const { message: was, stack } = err;
    err.message = `${was}\n\nWhat each side knew:\n${detail}`;
    err.stack = stack?.includes(was) ? stack.replace(was, err.message) : `${stack ?? ''}\n${err.message}`;
    throw err;
  }
}
