/** One account never sees another's records, key document or devices. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenResponse } from '../../protocol';
import { createInvite, signInDevice, type TestServer } from '../testing';
import { batch, call, OWNER, op, putKeyDocument, serverWithDevice } from './helpers';

let server: TestServer;
let alice: TokenResponse;
let bob: TokenResponse;
const BOB = { username: 'bob', password: 'bob password 1' };

beforeAll(async () => {
  ({ server, tokens: alice } = await serverWithDevice({ keyDocument: true }));
  const invite = await createInvite(server.url, OWNER);
  bob = await signInDevice(server.url, { ...BOB, invite, deviceName: "Bob's phone" });
});
afterAll(() => server.close());

describe('account isolation', () => {
  it('keeps records apart, even under the same collection and id', async () => {
    const written = await batch(server.url, alice.access_token, [
      op({ collection: 'shared', id: 'same', payload: 'YWxpY2U' }),
    ]);
    expect(written.body.results[0].status).toBe('ok');

    // Bob has no key document: Alice's fingerprint does not let him write.
    const refused = await batch(server.url, bob.access_token, [
      op({ collection: 'shared', id: 'same' }),
    ]);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('key_document_missing');
    expect((await call(server.url, '/v1/keys', { token: bob.access_token })).status).toBe(404);

    await putKeyDocument(server.url, bob.access_token);
    const bobs = await batch(server.url, bob.access_token, [
      op({ collection: 'shared', id: 'same', payload: 'Ym9i' }),
    ]);
    // A create, not a conflict with Alice's record.
    expect(bobs.body.results[0]).toMatchObject({ status: 'ok', rev: 1, seq: 1 });

    const bobFeed = await call(server.url, '/v1/changes', { token: bob.access_token });
    expect(bobFeed.body.changes.map((c: { payload: string }) => c.payload)).toEqual(['Ym9i']);
    const aliceFeed = await call(server.url, '/v1/changes', { token: alice.access_token });
    expect(aliceFeed.body.changes.map((c: { payload: string }) => c.payload)).toEqual(['YWxpY2U']);
  });

  it("never answers one account's op_id with another's result", async () => {
    const opId = `shared-op-${Date.now().toString(36)}`;
    const alices = await batch(server.url, alice.access_token, [
      op({ collection: 'ops', id: 'alice-only', payload: 'YWxpY2Utb3A', op_id: opId }),
    ]);
    expect(alices.body.results[0]).toMatchObject({ op_id: opId, status: 'ok', rev: 1 });
    // Bob's op with the same op_id (and the same collection and id) is his own, applied anew.
    const bobs = await batch(server.url, bob.access_token, [
      op({ collection: 'ops', id: 'alice-only', payload: 'Ym9iLW9w', op_id: opId, base_rev: 1 }),
    ]);
    expect(bobs.body.results[0]).toMatchObject({ op_id: opId, status: 'conflict', current: null });
    const bobFeed = await call(server.url, '/v1/changes', { token: bob.access_token });
    expect(bobFeed.body.changes.map((c: { id: string }) => c.id)).not.toContain('alice-only');
  });

  it("keeps device lists apart, and one cannot rename or revoke the other's devices", async () => {
    const aliceList = await call(server.url, '/v1/devices', { token: alice.access_token });
    const bobList = await call(server.url, '/v1/devices', { token: bob.access_token });
    expect(aliceList.body.devices.map((d: { id: string }) => d.id)).toEqual([alice.device_id]);
    expect(bobList.body.devices.map((d: { id: string }) => d.id)).toEqual([bob.device_id]);

    const rename = await call(server.url, `/v1/devices/${alice.device_id}`, {
      method: 'PATCH',
      token: bob.access_token,
      json: { name: 'pwned' },
    });
    expect(rename.status).toBe(404);
    const revoke = await call(server.url, `/v1/devices/${alice.device_id}`, {
      method: 'DELETE',
      token: bob.access_token,
    });
    expect(revoke.status).toBe(404);

    const after = await call(server.url, '/v1/devices', { token: alice.access_token });
    expect(after.status).toBe(200);
    expect(after.body.devices[0].name).toBe('Laptop');
  });

  it('keeps key documents apart', async () => {
    const aliceKeys = await call(server.url, '/v1/keys', { token: alice.access_token });
    const bobKeys = await call(server.url, '/v1/keys', { token: bob.access_token });
    expect(aliceKeys.status).toBe(200);
    expect(bobKeys.status).toBe(200);
    const overwrite = await call(server.url, '/v1/keys', {
      method: 'PUT',
      token: bob.access_token,
      headers: { 'if-match': aliceKeys.headers.get('etag') ?? '' },
      json: { key_document: 'Ym9i', key_fingerprint: 'fp_bobbobbobbobbobbob', epoch: 2 },
    });
    expect(overwrite.status).toBe(200);
    const again = await call(server.url, '/v1/keys', { token: alice.access_token });
    expect(again.body).toEqual(aliceKeys.body);
  });
});
