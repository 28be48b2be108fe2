/**
 * HostEngine over the real engine: the UI's commands (src/ui/bridge.ts) turned into engine calls,
 * and the engine's status plus this device's sync settings pushed as one `Status`.
 */
import {
  COLLECTION_NAMES,
  type Engine,
  type CollectionName as EngineCollection,
  type Resolution as EngineResolution,
  type EngineStatus,
  type RecordInput,
} from '../../engine';
import {
  BridgeError,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type Commands,
  type Resolution,
  type Status,
  type SyncSettings,
} from '../../ui/bridge';
import { isSecret } from '../../ui/records/fields';
import { parseServerUrl } from '../../ui/server-url';
import { createBackup } from './backup';
import type { HostEngine } from './host-engine';
import {
  activityEntry,
  conflictForUi,
  deviceInfo,
  matchesQuery,
  parseConflictId,
  recordSummary,
  revision,
} from './to-ui';

export interface HostDeps {
  /** The server address chosen while signed out. */
  server: { read(): Promise<string>; write(url: string): Promise<void> };
  openTab(url: string): Promise<void>;
  /** How this device introduces itself on the approval page, e.g. "Satchel extension (Chrome on Linux)". */
  describeDevice(): Promise<{ deviceName: string; platform: string }>;
}

type Handlers = { [K in CommandName]: (input: Commands[K][0]) => Promise<Commands[K][1]> };

function collectionOf(name: string): EngineCollection {
  if (!(COLLECTION_NAMES as string[]).includes(name)) {
    throw new BridgeError({ code: 'unknown_collection', message: `No collection ${name}` });
  }
  return name as EngineCollection;
}

function toEngineResolution(resolution: Resolution): EngineResolution {
  if (resolution.kind === 'merge') return { keep: 'merge', fields: resolution.fields };
  return { keep: resolution.kind };
}

export async function createHostEngine(engine: Engine, deps: HostDeps): Promise<HostEngine> {
  await engine.ready;
  let server = await deps.server.read();
  /** Errors the person dismissed: the engine keeps its last error, the UI stops showing it. */
  let dismissedAt = 0;
  const listeners = new Set<(status: Status) => void>();

  function settings(): SyncSettings {
    const s = engine.getSettings();
    return {
      server: engine.getStatus().account?.serverUrl ?? server,
      autoSync: s.autoSync,
      intervalSeconds: s.intervalSeconds,
      conflictStrategy: s.conflictStrategy,
      collections: { ...s.collections },
    };
  }

  function toStatus(status: EngineStatus): Status {
    const lastError =
      status.lastError && status.lastError.at > dismissedAt ? status.lastError : null;
    return { ...status, lastError, settings: settings() };
  }

  const publish = () => {
    const status = toStatus(engine.getStatus());
    for (const listener of listeners) {
      // One broken listener (a page, the badge) must not keep the status from the others.
      try {
        listener(status);
      } catch (error) {
        console.error('Satchel: a status listener failed', error);
      }
    }
  };

  const handlers: Handlers = {
    async 'auth.connect'({ server: requested }) {
      const url = parseServerUrl(requested);
      server = url;
      await deps.server.write(url);
      const device = await deps.describeDevice();
      const state = await engine.signIn({ serverUrl: url, ...device });
      if (state.kind === 'signingIn') await deps.openTab(state.verificationUriComplete);
      return undefined;
    },
    async 'auth.cancel'() {
      await engine.cancelSignIn();
      return undefined;
    },
    async 'auth.disconnect'() {
      if (engine.getStatus().state.kind === 'signingIn') await engine.cancelSignIn();
      else await engine.signOut();
      return undefined;
    },
    async 'error.dismiss'() {
      dismissedAt = engine.getStatus().lastError?.at ?? Date.now();
      publish();
      return undefined;
    },
    'keys.create': () => engine.createAccountKey(),
    async 'keys.unlock'(secret) {
      await engine.unlock(secret);
      return undefined;
    },
    'keys.rotate': (options) =>
      engine.rotateAccountKey({ newRecoveryKey: options?.newRecoveryKey }),
    async 'pairing.request'() {
      await engine.requestPairing();
      return undefined;
    },
    'pairing.list': () => engine.listPairingRequests(),
    async 'pairing.accept'({ id }) {
      await engine.acceptPairing(id);
      return undefined;
    },
    async 'pairing.approve'({ code }) {
      await engine.approvePairing(code);
      return undefined;
    },
    async 'pairing.deny'(input) {
      await engine.denyPairing(input?.id);
      return undefined;
    },
    async 'sync.now'() {
      // A failed run shows in the status (with what to do); the button need not repeat it.
      await engine.syncNow();
      return undefined;
    },
    async 'settings.update'(patch) {
      const { server: requested, ...rest } = patch;
      if (requested !== undefined) {
        if (engine.getStatus().account) {
          throw new BridgeError({
            code: 'already_signed_in',
            message: 'Disconnect before changing the server',
          });
        }
        server = parseServerUrl(requested);
        await deps.server.write(server);
      }
      if (Object.keys(rest).length > 0) await engine.updateSettings(rest);
      publish();
      return undefined;
    },
    async 'decision.firstJoin'({ choice }) {
      await engine.answerFirstJoin(choice);
      return undefined;
    },
    async 'decision.bulkDelete'({ answer }) {
      await engine.answerBulkDelete(answer);
      return undefined;
    },
    async 'records.list'({ collection, query }) {
      const name = collectionOf(collection);
      // Revealed: the options form edits the real value and masks it itself (password input).
      const views = await engine.list(name, { reveal: true });
      return views
        .map(recordSummary)
        .filter((r) => matchesQuery(r.value, query, (field) => isSecret(name, field)));
    },
    async 'records.save'({ collection, id, value }) {
      const name = collectionOf(collection);
      if (id === undefined) {
        const created = await engine.create(name, value as RecordInput<typeof name>);
        return { id: created.id };
      }
      const current = await engine.get(name, id, { reveal: true });
      // A field cleared in the form is removed: the engine's patch removes fields set to undefined.
      const patch: Record<string, unknown> = { ...value };
      for (const field of Object.keys(current?.data ?? {})) {
        if (!(field in value)) patch[field] = undefined;
      }
      await engine.update(name, id, patch as Partial<RecordInput<typeof name>>);
      return { id };
    },
    async 'records.delete'({ collection, id }) {
      await engine.delete(collectionOf(collection), id);
      return undefined;
    },
    async 'conflicts.list'() {
      const views = await engine.listConflicts({ reveal: true });
      return Promise.all(
        views.map(async (view) => {
          const current = await engine.get(view.collection, view.id, { reveal: true });
          return conflictForUi(view, (current?.data as Record<string, never>) ?? null);
        }),
      );
    },
    async 'conflicts.resolve'({ id, resolution }) {
      const ref = parseConflictId(id);
      await engine.resolveConflict(
        collectionOf(ref.collection),
        ref.id,
        toEngineResolution(resolution),
      );
      return undefined;
    },
    async 'history.list'({ collection, id }) {
      const views = await engine.history(collectionOf(collection), id, { reveal: true });
      return views.map(revision);
    },
    async 'history.restore'({ collection, id, revisionId }) {
      await engine.restore(collectionOf(collection), id, Number(revisionId));
      return undefined;
    },
    async 'activity.list'() {
      return (await engine.activity()).map(activityEntry);
    },
    async 'devices.list'() {
      return (await engine.listDevices()).map(deviceInfo);
    },
    async 'devices.rename'({ id, name }) {
      await engine.renameDevice(id, name);
      return undefined;
    },
    async 'devices.revoke'({ id }) {
      await engine.revokeDevice(id);
      return undefined;
    },
    async 'security.fingerprint'() {
      const fingerprint = engine.getStatus().account?.fingerprint;
      if (!fingerprint) throw new BridgeError({ code: 'locked', message: 'No key unlocked' });
      return { fingerprint };
    },
    async 'security.regenerateRecoveryKey'() {
      const { recoveryKey } = await engine.changeKeySecrets({ newRecoveryKey: true });
      if (!recoveryKey) throw new BridgeError({ code: 'internal_error', message: 'No new key' });
      return { recoveryKey };
    },
    async 'security.setPassphrase'({ passphrase }) {
      await engine.changeKeySecrets({ passphrase });
      return undefined;
    },
    ...createBackup(engine),
  };

  engine.subscribe(() => publish());

  return {
    getStatus: () => toStatus(engine.getStatus()),
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandResult<K>> {
      const handler = handlers[name] as
        | ((input: CommandInput<K>) => Promise<CommandResult<K>>)
        | undefined;
      if (!handler) {
        return Promise.reject(
          new BridgeError({ code: 'unknown_command', message: `No command ${String(name)}` }),
        );
      }
      return handler(input);
    },
    setOnline: (online) => engine.setOnline(online),
  };
}
