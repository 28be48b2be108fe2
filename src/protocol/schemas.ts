/**
 * Protocol v1: the one source of truth for what crosses the wire between Satchel clients and the
 * sync server. Both sides import these schemas; docs/PROTOCOL.md describes them in prose.
 *
 * Every object schema is strict: an unknown field is a validation error, so a typo in a client
 * or a server surfaces at once instead of being silently dropped.
 */
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;

/** OAuth client ids the server accepts at the device-authorization endpoint. */
export const CLIENT_IDS = ['satchel-extension', 'satchel-pwa', 'satchel-cli'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** User codes: 8 letters from this 20-letter alphabet (no vowels, RFC 8628 §6.1), shown XXXX-XXXX. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** Default limits; a server advertises its own in GET /v1/info. */
export const DEFAULT_LIMITS = {
  max_payload_bytes: 64 * 1024,
  max_batch_ops: 100,
  max_batch_bytes: 1024 * 1024,
  max_body_bytes: 2 * 1024 * 1024,
  max_changes_limit: 1000,
} as const;

// ---------------------------------------------------------------------------------------------
// Building blocks

const base64url = /^[A-Za-z0-9_-]*$/;

/** Opaque collection token: the client derives it with an HMAC so the server never learns names. */
export const CollectionToken = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(64),
  v.regex(base64url, 'must be base64url'),
);

export const RecordId = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(128),
  v.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"'),
);

/**
 * Bounds on what any message may hold, whatever a server's configuration: every string and array
 * of the protocol has one, so neither side can be made to hold an unbounded value. A server's own
 * limits (`/v1/info`) are tighter and checked on top (see docs/PROTOCOL.md, "Limits").
 */
export const PROTOCOL_BOUNDS = {
  /** The largest `max_payload_bytes` a server can be configured to. */
  payloadChars: 16 * 1024 * 1024,
  /** The largest `max_changes_limit` a server can be configured to. */
  changesPerPage: 100_000,
  /** The largest `max_batch_ops` a server can be configured to. */
  batchOps: 10_000,
  devices: 10_000,
  pairings: 1000,
  /** Ids the server makes (UUIDs) and opaque tokens. */
  idChars: 128,
  tokenChars: 512,
  urlChars: 2048,
  textChars: 256,
  keyDocumentChars: 64 * 1024,
} as const;

const Bounded = (max: number) => v.pipe(v.string(), v.maxLength(max));
const ServerId = Bounded(PROTOCOL_BOUNDS.idChars);
const Token = Bounded(PROTOCOL_BOUNDS.tokenChars);
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** Sealed record envelope, base64url. Its size limit is checked by the server against its config. */
export const Payload = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(PROTOCOL_BOUNDS.payloadChars),
  v.regex(base64url, 'must be base64url'),
);

export const KeyFingerprint = v.pipe(
  v.string(),
  v.minLength(16),
  v.maxLength(128),
  v.regex(base64url, 'must be base64url'),
);

/** Server revision of a record: a positive integer, incremented on every accepted write. */
export const Revision = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Cursor into an account's change feed: opaque to clients (the server uses a sequence number). */
export const Cursor = v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a cursor from the server'));

export const OpId = v.pipe(
  v.string(),
  v.minLength(8),
  v.maxLength(64),
  v.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"'),
);

const DeviceName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64));
const DevicePlatform = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64));
const IsoDate = v.pipe(v.string(), v.maxLength(64), v.isoTimestamp());

// ---------------------------------------------------------------------------------------------
// Service endpoints

export const Health = v.strictObject({ status: v.literal('ok') });

/** Sane floors and ceilings are the client's to judge (src/engine/auth/check-limits.ts). */
export const Limits = v.strictObject({
  max_payload_bytes: Count,
  max_batch_ops: Count,
  max_batch_bytes: Count,
  max_body_bytes: Count,
  max_changes_limit: Count,
});

export const Info = v.strictObject({
  protocol_version: v.literal(PROTOCOL_VERSION),
  server_version: Bounded(PROTOCOL_BOUNDS.textChars),
  registration: v.picklist(['first-user', 'invite', 'open']),
  limits: Limits,
});

// ---------------------------------------------------------------------------------------------
// OAuth device-authorization grant (RFC 8628) and tokens

export const DeviceAuthorizationRequest = v.strictObject({
  client_id: v.picklist(CLIENT_IDS),
  device_name: DeviceName,
  device_platform: DevicePlatform,
  /** Optional scope is accepted for OAuth compatibility and ignored: there is one scope. */
  scope: v.optional(Bounded(PROTOCOL_BOUNDS.textChars)),
});

/**
 * Clients open these in a browser tab: only http(s) is acceptable, so a hostile or broken server
 * cannot hand a client a javascript: or data: URL to open.
 */
const WebUrl = v.pipe(
  v.string(),
  v.maxLength(PROTOCOL_BOUNDS.urlChars),
  v.url(),
  v.regex(/^https?:\/\//i, 'must be an http or https URL'),
);

export const DeviceAuthorizationResponse = v.strictObject({
  device_code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  user_code: v.pipe(v.string(), v.regex(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)),
  verification_uri: WebUrl,
  verification_uri_complete: WebUrl,
  expires_in: v.number(),
  interval: v.number(),
});

export const DeviceCodeTokenRequest = v.strictObject({
  grant_type: v.literal(DEVICE_CODE_GRANT),
  device_code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  client_id: v.picklist(CLIENT_IDS),
});

export const RefreshTokenRequest = v.strictObject({
  grant_type: v.literal('refresh_token'),
  refresh_token: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  client_id: v.optional(v.picklist(CLIENT_IDS)),
});

export const TokenRequest = v.variant('grant_type', [DeviceCodeTokenRequest, RefreshTokenRequest]);

export const TokenResponse = v.strictObject({
  access_token: Token,
  token_type: v.literal('Bearer'),
  expires_in: v.number(),
  refresh_token: v.pipe(v.string(), v.maxLength(256)),
  account_id: ServerId,
  device_id: ServerId,
});

// ---------------------------------------------------------------------------------------------
// Devices

export const Device = v.strictObject({
  id: ServerId,
  name: Bounded(64),
  platform: Bounded(64),
  created_at: IsoDate,
  last_seen_at: v.nullable(IsoDate),
  current: v.boolean(),
});

export const DeviceList = v.strictObject({
  devices: v.pipe(v.array(Device), v.maxLength(PROTOCOL_BOUNDS.devices)),
});

export const DeviceRename = v.strictObject({ name: DeviceName });

// ---------------------------------------------------------------------------------------------
// Key document: opaque to the server, versioned by `rev` (sent as ETag, required as If-Match)

export const KeyDocumentWrite = v.strictObject({
  /** Client-encrypted JSON (wrapped master keys, salts, KDF parameters), base64url. */
  key_document: v.pipe(v.string(), v.minLength(1), v.maxLength(PROTOCOL_BOUNDS.keyDocumentChars)),
  key_fingerprint: KeyFingerprint,
  /** Bounded to what the server stores (a 32-bit integer). */
  epoch: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2_147_483_647)),
});

export const KeyDocument = v.strictObject({
  key_document: Bounded(PROTOCOL_BOUNDS.keyDocumentChars),
  key_fingerprint: KeyFingerprint,
  epoch: v.number(),
  rev: Revision,
  updated_at: IsoDate,
});

// ---------------------------------------------------------------------------------------------
// Records: change feed and batched compare-and-set writes

/** A record as the server stores it: everything but the payload is metadata the server needs. */
export const RemoteRecord = v.strictObject({
  collection: CollectionToken,
  id: RecordId,
  rev: Revision,
  seq: v.number(),
  deleted: v.boolean(),
  payload: Payload,
  key_epoch: v.number(),
  key_fingerprint: KeyFingerprint,
  modified_at: IsoDate,
});

export const ChangesResponse = v.strictObject({
  changes: v.pipe(v.array(RemoteRecord), v.maxLength(PROTOCOL_BOUNDS.changesPerPage)),
  cursor: Cursor,
  has_more: v.boolean(),
  /**
   * Open pairings in `pending` state requested by other devices of the account, so existing
   * devices notice a pairing request on their next pull. Optional: older servers omit it.
   */
  pending_pairings: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /**
   * At most how many changes follow this page (the account's last sequence number less the
   * cursor: a record changed twice counts twice), for a progress bar. Optional: older servers
   * omit it. A device shows it as "about", never as a fact.
   */
  remaining: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 40))),
});

export const BatchOp = v.strictObject({
  collection: CollectionToken,
  id: RecordId,
  /** null: create only (fails with conflict if the record exists). Otherwise compare-and-set. */
  base_rev: v.nullable(Revision),
  deleted: v.boolean(),
  payload: Payload,
  op_id: OpId,
});

export const BatchRequest = v.strictObject({
  /** Fingerprint of the key the payloads were sealed under; must match the key document's. */
  key_fingerprint: KeyFingerprint,
  ops: v.pipe(v.array(BatchOp), v.minLength(1), v.maxLength(PROTOCOL_BOUNDS.batchOps)),
});

export const BatchOk = v.strictObject({
  op_id: OpId,
  status: v.literal('ok'),
  rev: Revision,
  seq: v.number(),
});

export const BatchConflict = v.strictObject({
  op_id: OpId,
  status: v.literal('conflict'),
  /** The record as it is on the server now; null when a base_rev was given but none exists. */
  current: v.nullable(RemoteRecord),
});

export const BatchResult = v.variant('status', [BatchOk, BatchConflict]);

export const BatchResponse = v.strictObject({
  results: v.pipe(v.array(BatchResult), v.maxLength(PROTOCOL_BOUNDS.batchOps)),
});

// ---------------------------------------------------------------------------------------------
// Pairing: the server relays opaque values between a new device (the requester) and an existing
// device of the same account (the approver). It never sees key material: every value is
// base64url the clients computed. See docs/PROTOCOL.md, "Pairing".

export const PAIRING_CURVES = ['P-256', 'X25519'] as const;
export type PairingCurve = (typeof PAIRING_CURVES)[number];

/** `expired` is never stored: a pairing not final by `expires_at` is shown as expired. */
export const PAIRING_STATES = [
  'pending',
  'offered',
  'revealed',
  'approved',
  'completed',
  'denied',
  'expired',
] as const;
export type PairingState = (typeof PAIRING_STATES)[number];

/** Largest sealed bundle an approver may hand over, in base64url characters. */
export const PAIRING_BUNDLE_MAX_CHARS = 16 * 1024;

const PairingValue = (min: number, max: number) =>
  v.pipe(v.string(), v.minLength(min), v.maxLength(max), v.regex(base64url, 'must be base64url'));

/** A SHA-256 digest, base64url without padding: exactly 43 characters. */
const PairingCommitment = v.pipe(v.string(), v.length(43), v.regex(base64url, 'must be base64url'));

/** POST /v1/pairings (the new device). */
export const PairingCreate = v.strictObject({
  commitment: PairingCommitment,
  curve: v.picklist(PAIRING_CURVES),
});

/** POST /v1/pairings/:id/offer (an existing device), and the `offer` member of a Pairing. */
export const PairingOffer = v.strictObject({
  public_key: PairingValue(32, 256),
  nonce: PairingValue(16, 128),
});

/** POST /v1/pairings/:id/reveal (the requester), and the `reveal` member of a Pairing. */
export const PairingReveal = v.strictObject({
  public_key: PairingValue(32, 256),
  nonce: PairingValue(16, 128),
  confirmation: PairingValue(16, 128),
});

/**
 * POST /v1/pairings/:id/confirm (the requester, once its person confirmed the code), and the
 * `confirmation` member of a Pairing: N's MAC over the transcript, which E checks before it seals.
 */
export const PairingConfirm = v.strictObject({
  confirmation: PairingValue(16, 128),
});

/** POST /v1/pairings/:id/approve (the approver). */
export const PairingApprove = v.strictObject({
  bundle: PairingValue(1, PAIRING_BUNDLE_MAX_CHARS),
});

/** A device taking part in a pairing, as the account's devices see it. */
export const PairingDevice = v.strictObject({
  device_id: ServerId,
  name: Bounded(64),
  platform: Bounded(64),
});

export const Pairing = v.strictObject({
  id: ServerId,
  state: v.picklist(PAIRING_STATES),
  curve: v.picklist(PAIRING_CURVES),
  commitment: Bounded(PROTOCOL_BOUNDS.textChars),
  requester: PairingDevice,
  approver: v.nullable(PairingDevice),
  offer: v.nullable(PairingOffer),
  reveal: v.nullable(PairingReveal),
  /** N's proof that its person confirmed the code; absent from servers before it existed. */
  confirmation: v.optional(v.nullable(PairingValue(16, 128))),
  /** The sealed bundle: shown only to the requester, only while `approved`. */
  bundle: v.nullable(Bounded(PAIRING_BUNDLE_MAX_CHARS)),
  created_at: IsoDate,
  expires_at: IsoDate,
});

export const PairingList = v.strictObject({
  pairings: v.pipe(v.array(Pairing), v.maxLength(PROTOCOL_BOUNDS.pairings)),
});

// ---------------------------------------------------------------------------------------------
// Types, inferred so that a wrong field is a compile error on both sides

export type Health = v.InferOutput<typeof Health>;
export type Limits = v.InferOutput<typeof Limits>;
export type Info = v.InferOutput<typeof Info>;
export type DeviceAuthorizationRequest = v.InferOutput<typeof DeviceAuthorizationRequest>;
export type DeviceAuthorizationResponse = v.InferOutput<typeof DeviceAuthorizationResponse>;
export type TokenRequest = v.InferOutput<typeof TokenRequest>;
export type TokenResponse = v.InferOutput<typeof TokenResponse>;
export type Device = v.InferOutput<typeof Device>;
export type DeviceList = v.InferOutput<typeof DeviceList>;
export type DeviceRename = v.InferOutput<typeof DeviceRename>;
export type KeyDocumentWrite = v.InferOutput<typeof KeyDocumentWrite>;
export type KeyDocument = v.InferOutput<typeof KeyDocument>;
export type RemoteRecord = v.InferOutput<typeof RemoteRecord>;
export type ChangesResponse = v.InferOutput<typeof ChangesResponse>;
export type BatchOp = v.InferOutput<typeof BatchOp>;
export type BatchRequest = v.InferOutput<typeof BatchRequest>;
export type BatchResult = v.InferOutput<typeof BatchResult>;
export type BatchResponse = v.InferOutput<typeof BatchResponse>;
export type PairingCreate = v.InferOutput<typeof PairingCreate>;
export type PairingOffer = v.InferOutput<typeof PairingOffer>;
export type PairingReveal = v.InferOutput<typeof PairingReveal>;
export type PairingApprove = v.InferOutput<typeof PairingApprove>;
export type PairingConfirm = v.InferOutput<typeof PairingConfirm>;
export type PairingDevice = v.InferOutput<typeof PairingDevice>;
export type Pairing = v.InferOutput<typeof Pairing>;
export type PairingList = v.InferOutput<typeof PairingList>;
