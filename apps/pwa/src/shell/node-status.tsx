import type { ImportProgress, KindProgress, NodeStatus } from '@hearth/sync';
import { For, Show, type JSX } from 'solid-js';
import { usePeer } from '../peer/peer-context.tsx';

/** What each kind of the home node's work is called on screen. */
const KIND_NAMES: Record<string, string> = {
  images: 'thumbnails',
  video: 'videos',
  motion: 'motion photos',
  faces: 'faces',
  tags: 'tags',
  ocr: 'text in photos',
  clip: 'search index',
};
const kindName = (k: string) => KIND_NAMES[k] ?? k;
const left = (k: KindProgress) => k.pending + k.running;
const importRunning = (i: ImportProgress | null): boolean => !!i && i.finishedAt === undefined && !i.stopped;

/** The one-line summary: what the home node is busy with, or that it is done. */
export function nodeStatusLine(s: NodeStatus): string {
  const parts: string[] = [];
  if (s.import && importRunning(s.import)) parts.push(`importing ${s.import.done} of ${s.import.total}`);
  for (const [kind, k] of Object.entries(s.reconcile.kinds))
    if (left(k) > 0)
      parts.push(`making ${kindName(kind)}, ${left(k)} left${k.current ? ` (${k.current})` : ''}`);
  return `Home node: ${parts.length ? parts.join(' · ') : 'all done'}`;
}

function ago(t: number, now: number): string {
  const min = Math.round((now - t) / 60_000);
  if (min < 1) return 'just now';
  if (min < 90) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}

/** The detail lines: each kind's counts, the latest import, backups. */
export function nodeStatusDetails(s: NodeStatus, now = s.at): string[] {
  const out = Object.entries(s.reconcile.kinds).map(
    ([kind, k]) =>
      `${kindName(kind)}: ${k.done} done${left(k) ? `, ${left(k)} to do` : ''}${k.failed ? `, ${k.failed} failed` : ''}`,
  );
  const i = s.import;
  if (i)
    out.push(
      importRunning(i)
        ? `import: ${i.done} of ${i.total} files${i.current ? ` (${i.current.split(/[\\/]/).pop() ?? ''})` : ''}`
        : `last import: ${i.done} of ${i.total} files, ${i.stopped ? 'stopped' : 'finished'} ${ago(i.finishedAt ?? i.startedAt, now)}`,
    );
  const b = s.backups;
  out.push(
    b.lastExportAt === null
      ? `backups: never exported (${b.notExported} assets only on the home node)`
      : `backups: last export ${ago(b.lastExportAt, now)}, ${b.notExported} assets since`,
  );
  if (b.auditCopies)
    out.push(`audit log copied to ${b.auditCopies} other node${b.auditCopies === 1 ? '' : 's'}`);
  return out;
}

/**
 * The home node's work as `hearth status` shows it, beside the sync status: a summary line,
 * opened for the details. Shown only while the node's status is known (paired and connected).
 */
export function NodeStatusPanel(props: { status?: NodeStatus | undefined }): JSX.Element {
  const peer = usePeer();
  const status = () => props.status ?? peer?.nodeStatus();
  return (
    <Show when={status()}>
      {(s) => (
        <details class="node-status" data-testid="node-status">
          <summary aria-live="polite">{nodeStatusLine(s())}</summary>
          <ul>
            <For each={nodeStatusDetails(s(), Date.now())}>{(line) => <li>{line}</li>}</For>
          </ul>
        </details>
      )}
    </Show>
  );
}
