/** Every string and array a server sends has a maximum: an oversized value is refused by path. */
import { describe, expect, it } from 'vitest';
import {
  BatchResponse,
  ChangesResponse,
  DeviceList,
  Info,
  KeyDocument,
  PROTOCOL_BOUNDS,
  RemoteRecord,
  TokenResponse,
} from './schemas';
import { validate } from './validate';

const record = (payload: string) => ({
  collection: 'c'.repeat(22),
  id: 'r1',
  rev: 1,
  seq: 1,
  deleted: false,
  payload,
  key_epoch: 1,
  key_fingerprint: 'f'.repeat(43),
  modified_at: '2026-01-01T00:00:00.000Z',
});

function refusedAt(schema: Parameters<typeof validate>[0], value: unknown): string[] {
  const result = validate(schema, value);
  return result.ok ? [] : result.issues.map((issue) => issue.path);
}

describe('protocol maximums', () => {
  it('refuses a payload longer than any server may be configured to accept', () => {
    expect(refusedAt(RemoteRecord, record('A'.repeat(1000)))).toEqual([]);
    expect(refusedAt(RemoteRecord, record('A'.repeat(PROTOCOL_BOUNDS.payloadChars + 1)))).toEqual([
      'payload',
    ]);
  });

  it('refuses a page with more changes than any page may hold', () => {
    const changes = new Array(PROTOCOL_BOUNDS.changesPerPage + 1).fill(record('AA'));
    expect(refusedAt(ChangesResponse, { changes, cursor: '1', has_more: false })).toEqual([
      'changes',
    ]);
  });

  it('refuses more batch results than a batch may hold', () => {
    const result = { op_id: 'op-00001', status: 'ok', rev: 1, seq: 1 };
    const results = new Array(PROTOCOL_BOUNDS.batchOps + 1).fill(result);
    expect(refusedAt(BatchResponse, { results })).toEqual(['results']);
  });

  it('refuses oversized tokens, ids, names, versions and key documents', () => {
    const tokens = {
      access_token: 'a'.repeat(43),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: 'r'.repeat(43),
      account_id: 'acc',
      device_id: 'dev',
    };
    expect(refusedAt(TokenResponse, tokens)).toEqual([]);
    expect(refusedAt(TokenResponse, { ...tokens, access_token: 'a'.repeat(10_000) })).toEqual([
      'access_token',
    ]);
    expect(refusedAt(TokenResponse, { ...tokens, account_id: 'x'.repeat(129) })).toEqual([
      'account_id',
    ]);
    const device = {
      id: 'd',
      name: 'n'.repeat(65),
      platform: 'p',
      created_at: '2026-01-01T00:00:00.000Z',
      last_seen_at: null,
      current: true,
    };
    expect(refusedAt(DeviceList, { devices: [device] })).toEqual(['devices.0.name']);
    const limits = {
      max_payload_bytes: 65536,
      max_batch_ops: 100,
      max_batch_bytes: 1 << 20,
      max_body_bytes: 2 << 20,
      max_changes_limit: 1000,
    };
    const info = { protocol_version: 1, server_version: 'v'.repeat(257), registration: 'open' };
    expect(refusedAt(Info, { ...info, limits })).toEqual(['server_version']);
    expect(
      refusedAt(Info, { ...info, server_version: '1', limits: { ...limits, max_batch_ops: 1.5 } }),
    ).toEqual(['limits.max_batch_ops']);
    const doc = {
      key_document: 'k'.repeat(PROTOCOL_BOUNDS.keyDocumentChars + 1),
      key_fingerprint: 'f'.repeat(43),
      epoch: 1,
      rev: 1,
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    expect(refusedAt(KeyDocument, doc)).toEqual(['key_document']);
  });
});
