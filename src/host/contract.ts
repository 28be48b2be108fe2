/**
 * The contract between Satchel's UI and whatever hosts the engine (the extension service worker,
 * the PWA service worker). The UI only ever sees these types, so the same components run in both
 * hosts; each host passes in a `Bridge` that carries commands and status over its own channel.
 *
 * The engine's own shapes (status, decisions, conflicts, resolutions) pass through untouched, as
 * type-only imports: no engine code reaches the page bundles, and the UI cannot drift from what
 * the engine sends.
 */

import type {
  AccountInfo,
  ConflictView,
  CollectionName as EngineCollectionName,
  EngineErrorCode,
  EngineSettings,
  EngineState,
  EngineStatus,
  ErrorInfo,
  FieldDiff,
  FirstJoinChoice,
  LockMethod,
  LockView,
  PairingRequestView,
  PairingView,
  PrfSetting,
  ReplacedEditView,
  Resolution,
  RotationProgress,
} from '../engine';
import { checkServerUrl } from '../protocol/server-url';

export type CollectionName = EngineCollectionName;
/** The engine's collection list as a page-side value (host/contract.test.ts holds it equal). */
export const COLLECTIONS: readonly CollectionName[] = [
  'profiles',
  'providers',
  'groups',
  'assignments',
  'settings',
];

export type { AccountInfo, ErrorInfo, FieldDiff, FirstJoinChoice, Resolution, RotationProgress };
export type Phase = EngineState;
/** The device lock as the pages show it (null: off). */
export type LockInfo = LockView;
/** A pairing this device takes part in: `new` asks for the key, `existing` hands it over. */
export type PairingInfo = PairingView;
/** A new device asking this one for the account key. */
export type PairingRequestInfo = PairingRequestView;

/** A question the engine will not answer on its own: the person decides in the popup. */
export type Decision = NonNullable<EngineStatus['decision']>;

/** This device's sync settings as pages edit them, with the server chosen while signed out. */
export type SyncSettings = Pick<
  EngineSettings,
  'autoSync' | 'intervalSeconds' | 'conflictStrategy' | 'collections' | 'liveSync'
> & { server: string };

/** The engine's status, plus (added by the host) this device's sync settings. */
export type Status = EngineStatus & {
  settings: SyncSettings;
  /**
   * Set only on a last-known status a page painted before its worker answered
   * (host/status-snapshot.ts): when the worker published it. The worker's own statuses never
   * carry it, so a page shows "as of" until then.
   */
  asOf?: number;
};

/** A conflict as the engine shows it: only the fields that differ, base and both sides. */
export type Conflict = ConflictView;
export type ReplacedEdit = ReplacedEditView;

export type FieldValue = string | number | boolean | null | string[] | Record<string, unknown>;
export type RecordValue = Record<string, FieldValue | undefined>;

export interface RecordSummary {
  collection: CollectionName;
  id: string;
  value: RecordValue;
  /** True while the record has an edit that has not reached the server. */
  pending: boolean;
  updatedAt: number;
}

/** A page of one collection's records, as the records page lists them. */
export interface RecordPageQuery {
  collection: CollectionName;
  /** Case-insensitive, over every field but the secret ones. */
  query?: string;
  offset?: number;
  /** At most 500 (host/record-index.ts `MAX_PAGE`); 100 when left out. */
  limit?: number;
  /** Reference fields whose records' titles the page should carry (a profile's provider). */
  titlesOf?: { field: string; collection: CollectionName }[];
}

export interface RecordPage {
  /** The records of the page, secret fields masked. */
  items: RecordSummary[];
  /** How many records match in all. */
  total: number;
  /** `collection/id` → title, for the records the page's items refer to that are here. */
  titles: Record<string, string>;
}

export interface Revision {
  id: string;
  at: number;
  value: RecordValue | null;
  source: 'local' | 'remote';
}

export interface ActivityEntry {
  id: string;
  startedAt: number;
  durationMs: number;
  trigger: string;
  pulled: number;
  pushed: number;
  conflicts: number;
  /** Edits of this device a newer edit replaced during the run. */
  replaced: number;
  error: { code: string; message: string } | null;
}

export interface DeviceInfo {
  id: string;
  /** What to call it: the name the verified key document gives it, else the server's. */
  name: string;
  /** `name` comes from the MAC-verified key document (the server cannot change it). */
  nameVerified: boolean;
  /** The server's name when it differs from the verified one: the server relabelled it. */
  serverName: string | null;
  platform: string;
  createdAt: string;
  lastSeenAt: string | null;
  current: boolean;
}

/** One recipient the next key epoch would have, for the person to confirm by name. */
export interface RotationRecipientInfo {
  id: string;
  /** The key document's name for it when it has one (verified), else the server's (a hint). */
  name: string | null;
  nameVerified: boolean;
  /** The server's name when it differs from the document's. */
  serverName: string | null;
  fingerprint: string | null;
  self: boolean;
  /** The server does not list it as a live device. */
  notListed: boolean;
}

export interface ImportPreview {
  added: number;
  changed: number;
  unchanged: number;
}

/** Every command a UI may send, with its input and result. */
export interface Commands {
  /** What the server at that address says of itself, and the name this device would take. */
  'server.check': [
    { server: string },
    { serverVersion: string; registration: 'first-user' | 'invite' | 'open'; deviceName: string },
  ];
  /** `deviceName`: the name the person chose (the host's description of the device if absent). */
  'auth.connect': [{ server: string; deviceName?: string }, undefined];
  'auth.cancel': [undefined, undefined];
  'auth.disconnect': [undefined, undefined];
  'error.dismiss': [undefined, undefined];
  /** New account: creates the master key; the recovery key is returned once, never stored. */
  'keys.create': [undefined, { recoveryKey: string }];
  /**
   * `reset`: the person chose to start over with the key document the server serves now, even
   * though it is older than, or does not continue, the one this device verified (`key_rollback`).
   */
  'keys.unlock': [
    ({ recoveryKey: string } | { passphrase: string }) & { reset?: boolean },
    undefined,
  ];
  /** New key epoch (e.g. after a revoke); a recovery key comes back only when a new one was made. */
  'keys.rotate': [{ newRecoveryKey?: boolean }, { recoveryKey: string | null }];
  /** New device: asks the account's other devices for the key (no recovery key to type). */
  'pairing.request': [undefined, undefined];
  /** Existing device: the open requests from new devices. */
  'pairing.list': [undefined, PairingRequestInfo[]];
  /** Existing device: answers one request; its code shows in `status.pairing` once both agree. */
  'pairing.accept': [{ id: string }, undefined];
  /** Existing device: the code the person typed from the new device's screen. */
  'pairing.approve': [{ code: string }, undefined];
  /** New device: the person typed its code on the other device and confirms here. */
  'pairing.confirm': [undefined, undefined];
  /** Without an id: cancels this device's own pairing; with one: denies that device's request. */
  'pairing.deny': [{ id?: string }, undefined];
  'sync.now': [undefined, undefined];
  'settings.update': [Partial<SyncSettings>, undefined];
  'decision.firstJoin': [{ choice: FirstJoinChoice }, undefined];
  'decision.bulkDelete': [
    { side: 'local' | 'remote' | 'missing'; answer: 'delete' | 'keep' },
    undefined,
  ];
  /** Every record of a collection, secrets revealed (the popup's copy menu, the form's pickers). */
  'records.list': [{ collection: CollectionName; query?: string }, RecordSummary[]];
  /** A page of a collection, searched on the worker's index; secrets masked. */
  'records.page': [RecordPageQuery, RecordPage];
  /** One record, secrets revealed (the edit form); null when it is not, or no longer, here. */
  'records.get': [{ collection: CollectionName; id: string }, RecordSummary | null];
  /** Without `id`: a new record (under `newId` when given, e.g. a provider added by its id). */
  'records.save': [
    { collection: CollectionName; id?: string; newId?: string; value: RecordValue },
    { id: string },
  ];
  'records.delete': [{ collection: CollectionName; id: string }, undefined];
  'conflicts.list': [undefined, Conflict[]];
  /** Edits of this device a newer edit replaced (keep the most recent), newest first. */
  'replaced.list': [undefined, ReplacedEdit[]];
  /** `restore` writes this device's value back as a new edit; `dismiss` forgets the notice. */
  /** `at`: the notice's, as shown; a newer one of the record meanwhile refuses the answer. */
  'replaced.answer': [
    { collection: CollectionName; id: string; answer: 'restore' | 'dismiss'; at?: number },
    undefined,
  ];
  'conflicts.resolve': [
    { collection: CollectionName; id: string; resolution: Resolution },
    undefined,
  ];
  'history.list': [{ collection: CollectionName; id: string }, Revision[]];
  'history.restore': [{ collection: CollectionName; id: string; revisionId: string }, undefined];
  'activity.list': [undefined, ActivityEntry[]];
  'devices.list': [undefined, DeviceInfo[]];
  'devices.rename': [{ id: string; name: string }, undefined];
  'devices.revoke': [{ id: string }, undefined];
  /** The recipients a revoke-and-rotate of `ids` would keep; changes nothing. */
  'devices.previewRevokeAndRotate': [{ ids: string[] }, RotationRecipientInfo[]];
  /** Revokes `ids` and rotates the key in one action; a new recovery key unless declined. */
  'devices.revokeAndRotate': [
    { ids: string[]; newRecoveryKey?: boolean },
    { recoveryKey: string | null },
  ];
  'security.fingerprint': [undefined, { fingerprint: string }];
  'security.regenerateRecoveryKey': [undefined, { recoveryKey: string }];
  /** `lock` (default on in the pages): also lock this device with the passphrase. */
  'security.setPassphrase': [{ passphrase: string; lock?: boolean }, undefined];
  /** Turns the device lock on, or changes its passphrase or PIN. */
  'lock.set': [{ method: LockMethod; secret: string; idleMinutes?: number | null }, LockInfo];
  'lock.remove': [undefined, undefined];
  'lock.idle': [{ idleMinutes: number | null }, LockInfo];
  'lock.now': [undefined, undefined];
  /** With the passphrase or PIN, or the passkey's PRF output (base64url) the page obtained. */
  'lock.unlock': [{ secret: string } | { prfOutput: string }, undefined];
  /** Adds a passkey as a second way in (the lock's own secret checked first). */
  'lock.prf.add': [PrfSetting, LockInfo];
  'lock.prf.remove': [undefined, LockInfo];
  'backup.export': [undefined, { json: string }];
  'backup.previewImport': [{ json: string }, ImportPreview];
  'backup.import': [{ json: string }, ImportPreview];
}

export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = Commands[K][0];
export type CommandResult<K extends CommandName> = Commands[K][1];

/**
 * Codes the hosts and pages raise themselves, beside the engine's. Every `ErrorCode` has its
 * sentence in src/ui/error-messages.ts (a total map, so a new code without one fails to compile).
 */
export type HostErrorCode =
  // The host layer (src/host)
  | 'unknown_command'
  | 'invalid_backup'
  | 'engine_unavailable'
  // The page bridges: the worker went away or never came
  | 'worker_restarted'
  | 'service_worker_unavailable'
  | 'service_worker_failed'
  // The pages themselves
  | 'permission_denied'
  | 'offline'
  | 'invalid_json'
  | 'unexpected';

export type ErrorCode = EngineErrorCode | HostErrorCode;

/**
 * An error as it crosses the bridge: a stable code, a developer message, optional field issues.
 * The code stays a string: a worker of another version may send one this page does not know.
 */
export interface ErrorShape {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export class BridgeError extends Error {
  readonly code: string;
  readonly issues: { path: string; message: string }[];
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = 'BridgeError';
    this.code = shape.code;
    this.issues = shape.issues ?? [];
  }
}

export interface Bridge {
  /**
   * Calls back at once with the latest status (if any) and on every change; `onError` hears when
   * the host cannot produce a status at all (its engine failed to start).
   */
  subscribe(listener: (status: Status) => void, onError?: (error: BridgeError) => void): () => void;
  call<K extends CommandName>(
    name: K,
    ...input: CommandInput<K> extends undefined ? [] : [CommandInput<K>]
  ): Promise<CommandResult<K>>;
  /** Host-specific abilities the UI may offer when present (clipboard is universal). */
  host: HostAbilities;
}

export interface HostAbilities {
  /** Asks the person to let Satchel reach this origin; resolves false when refused. */
  requestServerAccess(server: string): Promise<boolean>;
  openOptions?(section?: string): void;
  /** Brings the sign-in page to the front again, e.g. after the person closed it. */
  openUrl(url: string): void;
}

/**
 * A server address as the person typed it, checked by the one rule the engine also enforces
 * (https unless local), as a BridgeError the pages can show: before asking for host permission
 * in a page, before storing it in the worker.
 */
export function parseServerUrl(input: string): string {
  const checked = checkServerUrl(input);
  if (!checked.ok) throw new BridgeError({ code: checked.code, message: checked.message });
  return checked.url;
}
