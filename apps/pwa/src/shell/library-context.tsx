import { createContext, useContext, type JSX } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';

const LibraryContext = createContext<LibraryClient>();

/** Makes the library available to every view below it. */
export function LibraryProvider(props: { client: LibraryClient; children: JSX.Element }): JSX.Element {
  return <LibraryContext.Provider value={props.client}>{props.children}</LibraryContext.Provider>;
}

/** The library of the surrounding LibraryProvider. */
export function useLibrary(): LibraryClient {
  const lib = useContext(LibraryContext);
  if (!lib) throw new Error('useLibrary() outside <LibraryProvider>: wrap the app in it');
  return lib;
}
