/**
 * Errors the store throws. Each has a stable `code` the HTTP layer can map; messages never carry
 * secrets (token hashes, payloads, passwords), only what an operator needs to act.
 */
export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database holds migrations newer than this server knows: an older server must not touch it. */
export class SchemaTooNewError extends StoreError {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      'schema_too_new',
      `database schema is at version ${databaseVersion} but this server only knows up to ${knownVersion}; upgrade the server`,
    );
  }
}

/** A migration failed; the whole migration transaction was rolled back. */
export class MigrationError extends StoreError {
  constructor(
    readonly version: number,
    name: string,
    cause: unknown,
  ) {
    super('migration_failed', `migration ${version} (${name}) failed: ${messageOf(cause)}`, {
      cause,
    });
  }
}

/** The database server could not be reached or refused us at open. */
export class DatabaseUnavailableError extends StoreError {
  constructor(cause: unknown) {
    // The driver's message names host and port or the failed check, never the URL's password.
    super('database_unavailable', `cannot connect to PostgreSQL: ${messageOf(cause)}`, { cause });
  }
}

/** Another live process has the embedded database folder open; PGlite allows only one. */
export class DataDirInUseError extends StoreError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      'data_dir_in_use',
      `the data folder ${dataDir} is in use by process ${pid}; stop it, or use DATABASE_URL (PostgreSQL) to run several server processes`,
    );
  }
}

/** An int8 value beyond Number.MAX_SAFE_INTEGER: converting it would silently lose precision. */
export class UnsafeIntegerError extends StoreError {
  constructor() {
    super('unsafe_integer', 'database returned an integer beyond Number.MAX_SAFE_INTEGER');
  }
}

/** Another live device authorization already uses this user code: generate a new one and retry. */
export class UserCodeInUseError extends StoreError {
  constructor() {
    super('user_code_in_use', 'a live device authorization already uses this user code');
  }
}

export class AccountNotFoundError extends StoreError {
  constructor() {
    super('account_not_found', 'no such account');
  }
}

export class DeviceNotFoundError extends StoreError {
  constructor() {
    super('device_not_found', 'no such device in this account');
  }
}

/** A caller passed an argument no request could legitimately produce (a bug, not user input). */
export class InvalidStoreArgumentError extends StoreError {
  constructor(what: string) {
    super('invalid_store_argument', `invalid store argument: ${what}`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
