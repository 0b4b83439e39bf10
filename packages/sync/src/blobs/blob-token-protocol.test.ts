import { afterEach, expect, it } from 'vitest';
import type { Libp2p } from '@libp2p/interface';
import { createBlobTokenIssuer } from './blob-token.ts';
import { requestBlobToken, serveBlobTokens } from './blob-token-protocol.ts';
import { createAllowListAccess, createTestNode } from './test-peers.node.ts';

const nodes: Libp2p[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop();
});

it('mints a blob token over libp2p for a paired device only', async () => {
  const [home, phone, stranger] = [await createTestNode(), await createTestNode(), await createTestNode()];
  nodes.push(home, phone, stranger);
  const access = createAllowListAccess([phone.peerId.toString()]);
  const issuer = createBlobTokenIssuer({
    key: crypto.getRandomValues(new Uint8Array(32)),
    isPaired: access.isPaired,
  });
  await serveBlobTokens(home, access, issuer);
  await phone.dial(home.getMultiaddrs()[0]!);
  await stranger.dial(home.getMultiaddrs()[0]!);
  const { token, expiresAt } = await requestBlobToken(phone, home.peerId);
  expect(expiresAt).toBeGreaterThan(Date.now());
  expect(await issuer.verify(token)).toMatchObject({ sub: phone.peerId.toString(), scope: 'blob:read' });
  await expect(requestBlobToken(stranger, home.peerId)).rejects.toThrow();
});

it('gives up on a node that takes the stream and never answers', async () => {
  const [home, phone] = [await createTestNode(), await createTestNode()];
  nodes.push(home, phone);
  await home.handle('/hearth/blob-token/1', () => {}); // holds the stream, says nothing
  await phone.dial(home.getMultiaddrs()[0]!);
  await expect(requestBlobToken(phone, home.peerId, { timeoutMs: 300 })).rejects.toMatchObject({
    code: 'BLOB_TOKEN_TIMEOUT',
  });
});
