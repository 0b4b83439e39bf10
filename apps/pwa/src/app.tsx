import { HashRouter, Route } from '@solidjs/router';
import type { JSX } from 'solid-js';
import { AlbumView } from './albums/album-view.tsx';
import { AlbumsView } from './albums/albums-view.tsx';
import type { LibraryClient } from './library/library-client.ts';
import { AppShell } from './shell/app-shell.tsx';
import { LibraryProvider } from './shell/library-context.tsx';
import { PlaceholderView } from './shell/placeholder-view.tsx';
import { SettingsView } from './shell/settings-view.tsx';
import { TimelineView } from './timeline/timeline-view.tsx';
import { ViewerView } from './viewer/viewer-view.tsx';
import { ImportView } from './upload/import-view.tsx';
import type { UploadQueue } from './upload/upload-queue.ts';
import { UploadQueueProvider, usePendingUploads } from './upload/upload-context.tsx';
import { DevicesView } from './shell/devices-view.tsx';
import type { PeerClient } from './peer/peer-client.ts';
import { PeerProvider } from './peer/peer-context.tsx';
import { SearchView } from './search/search-view.tsx';

/** The whole app: routes inside the shell, with the library and upload queue provided. */
export function App(props: { library: LibraryClient; uploads: UploadQueue; peer?: PeerClient }): JSX.Element {
  const Shell = (p: { children?: JSX.Element }) => (
    <AppShell
      pendingUploads={usePendingUploads()}
      peers={props.peer?.peers() ?? 0}
      syncPending={props.peer?.syncPending()}
    >
      {p.children}
    </AppShell>
  );
  return (
    <PeerProvider client={props.peer}>
      <LibraryProvider client={props.library}>
        <UploadQueueProvider queue={props.uploads}>
          <HashRouter root={Shell}>
            <Route
              path="/"
              component={() => (
                <TimelineView
                  filter="timeline"
                  title="Photos"
                  empty="No photos yet. Back up some from this device, or pair it with your home node."
                />
              )}
            />
            <Route
              path="/favorites"
              component={() => (
                <TimelineView filter="favorites" title="Favorites" empty="No favorites yet." />
              )}
            />
            <Route
              path="/archive"
              component={() => <TimelineView filter="archive" title="Archive" empty="Nothing archived." />}
            />
            <Route
              path="/trash"
              component={() => (
                <TimelineView
                  filter="trash"
                  title="Trash"
                  empty="The trash is empty. Items here are deleted after 30 days."
                />
              )}
            />
            <Route path="/photos/:id" component={ViewerView} />
            <Route path="/albums" component={AlbumsView} />
            <Route path="/albums/:id" component={AlbumView} />
            <Route
              path="/people"
              component={() => (
                <PlaceholderView title="People">
                  Faces appear here once the home node has recognised them.
                </PlaceholderView>
              )}
            />
            <Route
              path="/map"
              component={() => (
                <PlaceholderView title="Map">
                  Photos with a location appear on the map once the home node has read them.
                </PlaceholderView>
              )}
            />
            <Route path="/search" component={() => <SearchView />} />
            <Route path="/import" component={ImportView} />
            <Route path="/devices" component={DevicesView} />
            <Route path="/settings" component={SettingsView} />
            <Route
              path="*"
              component={() => (
                <PlaceholderView title="Not found">
                  There is no such page. Use the menu to go on.
                </PlaceholderView>
              )}
            />
          </HashRouter>
        </UploadQueueProvider>
      </LibraryProvider>
    </PeerProvider>
  );
}
