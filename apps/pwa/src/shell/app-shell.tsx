import { A, useLocation } from '@solidjs/router';
import { createEffect, createSignal, onCleanup, Show, type JSX } from 'solid-js';
import { UpdatePrompt } from '../pwa/update-prompt.tsx';
import type { SyncCounts } from '../peer/peer-protocol.ts';
import { SyncStatus } from './sync-status.tsx';
import { NodeStatusPanel } from './node-status.tsx';
import { RemovedNotice } from './removed-notice.tsx';
import { usePeer } from '../peer/peer-context.tsx';
import { loadSyncMemory, rememberSync } from './sync-memory.ts';

const NAV: readonly { href: string; label: string; icon: string; phone: boolean }[] = [
  { href: '/', label: 'Photos', icon: '▦', phone: true },
  { href: '/search', label: 'Search', icon: '⌕', phone: true },
  { href: '/albums', label: 'Albums', icon: '▤', phone: true },
  { href: '/people', label: 'People', icon: '☺', phone: false },
  { href: '/map', label: 'Map', icon: '◎', phone: false },
  { href: '/favorites', label: 'Favorites', icon: '♥', phone: false },
  { href: '/archive', label: 'Archive', icon: '⌂', phone: false },
  { href: '/trash', label: 'Trash', icon: '⌫', phone: false },
  { href: '/import', label: 'Back up', icon: '⇪', phone: true },
  { href: '/devices', label: 'Devices', icon: '⌨', phone: false },
  { href: '/settings', label: 'Settings', icon: '⚙', phone: true },
];

/** The frame around every page: navigation (side bar on laptops, bottom bar on phones), sync status, update prompt. */
export function AppShell(props: {
  children?: JSX.Element;
  pendingUploads: number;
  peers: number;
  syncPending?: SyncCounts | undefined;
}): JSX.Element {
  const location = useLocation();
  // What is pending with the home node, remembered across reloads (shown until it is known
  // again), refreshed while it is known so "last synced" stays true, and a clock for "ago".
  const [last, setLast] = createSignal(loadSyncMemory());
  const [now, setNow] = createSignal(Date.now());
  const remember = () => {
    const p = props.syncPending;
    if (p) setLast(rememberSync(p));
  };
  createEffect(remember);
  const tick = setInterval(() => {
    remember();
    setNow(Date.now());
  }, 30_000);
  onCleanup(() => clearInterval(tick));
  const inViewer = () => location.pathname.startsWith('/photos/');
  return (
    <div class="app" classList={{ 'in-viewer': inViewer() }}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Show when={!inViewer()}>
        <header class="topbar">
          <A href="/" class="brand" aria-label="Hearth home">
            <img src="./icons/favicon-32.png" alt="" width="24" height="24" /> Hearth
          </A>
          <span class="grow" />
          <SyncStatus
            pendingUploads={props.pendingUploads}
            peers={props.peers}
            sync={props.syncPending}
            last={last()}
            now={now()}
          />
          <NodeStatusPanel />
        </header>
        <nav class="sidebar" aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li classList={{ 'phone-hidden': !n.phone }}>
                <A href={n.href} end={n.href === '/'} activeClass="active">
                  <span class="nav-icon" aria-hidden="true">
                    {n.icon}
                  </span>
                  <span class="nav-label">{n.label}</span>
                </A>
              </li>
            ))}
          </ul>
        </nav>
      </Show>
      <main id="main" tabIndex={-1}>
        <RemovedNotice peer={usePeer()} />
        {props.children}
      </main>
      <UpdatePrompt />
    </div>
  );
}
