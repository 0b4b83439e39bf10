/**
 * `/hearth/status/1`: a paired device opens a stream to the home node and reads status frames
 * (length-prefixed CBOR {@link NodeStatus}, at most {@link MAX_STATUS_FRAME} bytes) for as long
 * as it keeps the stream open: one at once, then one each time the status changes.
 *
 * Why a protocol and not a synced document: the status changes several times a second during
 * an import, belongs to one node and is worthless a minute later. As Automerge changes it would
 * grow every device's history forever and sync to devices that are not looking; a stream costs
 * nothing when nobody watches and carries only the latest state.
 */
export const STATUS_PROTOCOL = '/hearth/status/1';
