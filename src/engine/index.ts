/**
 * Satchel's sync engine: plain TypeScript (no chrome.*, no DOM), created with its dependencies.
 * The public API is documented in ./README.md.
 */
export type { Device } from '../protocol';
export type { SignInInput } from './auth/device-grant';
export {
  type Assignment,
  COLLECTION_NAMES,
  type CollectionName,
  type Group,
  PREFERENCES_ID,
  type Preferences,
  type Profile,
  type Provider,
  type RecordData,
  type RecordInput,
  secretFieldsOf,
  titleFieldOf,
} from './collections';
export type { Resolution } from './conflicts/resolve';
export type { ConflictView, FieldDiff } from './conflicts/view';
export type { LogEvent, Logger } from './context';
export type { ActivityRow } from './db/schema';
export {
  type Clock,
  type FetchLike,
  type Scheduler,
  systemClock,
  systemScheduler,
  type TimerHandle,
} from './deps';
export { createEngine, type Engine, type EngineOptions, type QuarantineView } from './engine';
export {
  AuthError,
  EngineError,
  type EngineErrorCode,
  type FieldIssue,
  InputError,
  KeyError,
  LockError,
  NetworkError,
  PairingError,
  RecordError,
  ServerError,
  StateError,
  ValidationError,
} from './errors';
export { type DeviceNaming, type ListedDevice, namingOf } from './keys/device-names';
export type { RotationProgress } from './keys/rotation';
export type { LiveMode, LiveSocket, LiveSocketFactory } from './live';
export {
  DEFAULT_IDLE_MINUTES,
  IDLE_MINUTES_CHOICES,
  type LockMethod,
  type LockSecret,
  type LockSetting,
  type LockView,
  MIN_PIN_LENGTH,
  type PrfSetting,
} from './lock/device-lock';
export { MASK } from './mask';
export type { PairingRequestView, PairingView } from './pairing/pairing-flow';
export type { HistoryView, ListOptions, ReadOptions, RecordView } from './records/read';
export type { ReplacedEditView, ReplacedFieldView } from './records/replaced';
export {
  type ConflictStrategy,
  DEFAULT_SETTINGS,
  type EngineSettings,
  type SettingsPatch,
} from './settings';
export type { AccountInfo, EngineState, EngineStatus, ErrorInfo, StatusListener } from './status';
export type { BulkDeleteAnswer, BulkDeleteDecision } from './sync/bulk-delete';
export type { SyncReport } from './sync/controller';
export type { FirstJoinChoice, FirstJoinDecision } from './sync/first-join';
export type { Decision } from './sync/run';
export { checkServer } from './transport/check-server';
