/**
 * The JSON messages between a test and a peer process (over the Node IPC channel).
 * A request names a command from the command table; the peer answers once and reports
 * events (connections, revocations) as they happen.
 */
export interface PeerRequest {
  id: number;
  cmd: string;
  args: Record<string, unknown>;
}

/** A command's outcome: a typed error keeps its stable `code`. */
export type PeerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };

/** Something that happened in the peer, with its wall-clock time (ms). */
export interface PeerEvent {
  event: string;
  at: number;
  [key: string]: unknown;
}

export type PeerMessage = PeerReply | PeerEvent | { ready: true };
