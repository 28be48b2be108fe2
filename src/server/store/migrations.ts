/**
 * The schema, as an ordered list of versioned migrations. Append only: never edit a migration
 * that has shipped, add the next version instead. Each migration is a list of single statements
 * because PGlite's parameterised query path runs one statement at a time.
 *
 * Times are epoch milliseconds in bigint columns; the adapters hand them back as numbers.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `CREATE TABLE accounts (
        id text PRIMARY KEY,
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'member')),
        created_at bigint NOT NULL,
        -- last sequence number handed out; bumped under this row's lock (SELECT ... FOR UPDATE)
        last_seq bigint NOT NULL DEFAULT 0,
        -- highest seq of a purged tombstone: older cursors must resync
        purged_seq bigint NOT NULL DEFAULT 0
      )`,
      'CREATE UNIQUE INDEX accounts_username_ci ON accounts (lower(username))',
      // Backstop for the owner rule: whatever happens above, there is never a second owner.
      `CREATE UNIQUE INDEX accounts_single_owner ON accounts (role) WHERE role = 'owner'`,

      `CREATE TABLE invites (
        token_hash text PRIMARY KEY,
        created_by text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        used_at bigint
      )`,

      `CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        expires_at bigint NOT NULL
      )`,
      'CREATE INDEX sessions_expiry ON sessions (expires_at)',

      `CREATE TABLE device_authorizations (
        device_code_hash text PRIMARY KEY,
        user_code text NOT NULL UNIQUE,
        client_id text NOT NULL,
        device_name text NOT NULL,
        device_platform text NOT NULL,
        requester_ip text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
        account_id text REFERENCES accounts (id) ON DELETE CASCADE,
        interval_s integer NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        last_polled_at bigint
      )`,
      'CREATE INDEX device_authorizations_expiry ON device_authorizations (expires_at)',

      `CREATE TABLE devices (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name text NOT NULL,
        platform text NOT NULL,
        client_id text NOT NULL,
        created_at bigint NOT NULL,
        last_seen_at bigint,
        revoked_at bigint,
        -- the seq this device last pulled from; NULL until its first pull
        cursor_seq bigint
      )`,
      'CREATE INDEX devices_account ON devices (account_id)',

      `CREATE TABLE tokens (
        token_hash text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('access', 'refresh')),
        device_id text NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
        family_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
        -- access tokens only; refresh tokens live until rotated or revoked
        expires_at bigint,
        created_at bigint NOT NULL
      )`,
      'CREATE INDEX tokens_family ON tokens (family_id)',
      'CREATE INDEX tokens_device ON tokens (device_id)',

      `CREATE TABLE key_documents (
        account_id text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
        key_document text NOT NULL,
        key_fingerprint text NOT NULL,
        epoch integer NOT NULL,
        rev integer NOT NULL,
        updated_at bigint NOT NULL
      )`,

      `CREATE TABLE records (
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        collection text NOT NULL,
        id text NOT NULL,
        rev integer NOT NULL,
        seq bigint NOT NULL,
        deleted boolean NOT NULL,
        payload text NOT NULL,
        key_epoch integer NOT NULL,
        key_fingerprint text NOT NULL,
        modified_at bigint NOT NULL,
        PRIMARY KEY (account_id, collection, id)
      )`,
      'CREATE UNIQUE INDEX records_feed ON records (account_id, seq)',
      'CREATE INDEX records_tombstones ON records (account_id, modified_at) WHERE deleted',

      `CREATE TABLE op_results (
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        op_id text NOT NULL,
        result text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (account_id, op_id)
      )`,
      'CREATE INDEX op_results_age ON op_results (created_at)',

      `CREATE TABLE rate_limits (
        key text PRIMARY KEY,
        resets_at bigint NOT NULL,
        hits integer NOT NULL
      )`,
      'CREATE INDEX rate_limits_reset ON rate_limits (resets_at)',
    ],
  },
  {
    version: 2,
    name: 'tokens.used_at: a refresh retried after a lost response is told apart from theft',
    statements: ['ALTER TABLE tokens ADD COLUMN used_at bigint'],
  },
  {
    version: 3,
    name: 'pairings: relay for approving a new device from an existing one',
    statements: [
      // Every value but the ids, states and times is opaque base64url the clients computed.
      // 'expired' is not a state here: a row not final by expires_at reads as expired.
      `CREATE TABLE pairings (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        state text NOT NULL
          CHECK (state IN ('pending', 'offered', 'revealed', 'approved', 'completed', 'denied')),
        curve text NOT NULL,
        commitment text NOT NULL,
        requester_device_id text NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
        approver_device_id text REFERENCES devices (id) ON DELETE CASCADE,
        offer_public_key text,
        offer_nonce text,
        reveal_public_key text,
        reveal_nonce text,
        reveal_confirmation text,
        -- erased on completion, denial and (by housekeeping) expiry
        bundle text,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`,
      // The open ones of an account: listing, the open limit, pending_pairings on every pull,
      // and denying a revoked device's pairings all read only these.
      `CREATE INDEX pairings_open ON pairings (account_id, created_at)
        WHERE state IN ('pending', 'offered', 'revealed', 'approved')`,
      'CREATE INDEX pairings_expiry ON pairings (expires_at)',
    ],
  },
  {
    version: 4,
    name: 'pairings.confirmation: the new device proves its person confirmed the code',
    statements: ['ALTER TABLE pairings ADD COLUMN confirmation text'],
  },
  {
    version: 5,
    name: 'refresh tokens: lifetimes, one grace re-issue, withdrawn pairs as reuse, compromised devices',
    statements: [
      // A pair withdrawn by the retry grace gets its own state, so presenting it later is reuse.
      'ALTER TABLE tokens DROP CONSTRAINT tokens_state_check',
      `ALTER TABLE tokens ADD CONSTRAINT tokens_state_check
        CHECK (state IN ('active', 'rotated', 'revoked', 'withdrawn'))`,
      // Refresh rows: the access token issued with it, when it was rotated and into which
      // refresh token, and when its one grace re-issue was spent.
      'ALTER TABLE tokens ADD COLUMN access_hash text',
      'ALTER TABLE tokens ADD COLUMN rotated_at bigint',
      'ALTER TABLE tokens ADD COLUMN successor_hash text',
      'ALTER TABLE tokens ADD COLUMN regranted_at bigint',
      // The family's sign-in time, for the absolute lifetime; old families count from their
      // oldest row still stored.
      'ALTER TABLE tokens ADD COLUMN family_created_at bigint',
      `UPDATE tokens SET family_created_at =
        (SELECT min(f.created_at) FROM tokens f WHERE f.family_id = tokens.family_id)`,
      'ALTER TABLE tokens ALTER COLUMN family_created_at SET NOT NULL',
      // Set when a refresh token of the device was reused: no longer listed, so left out of
      // key rotations, and it no longer holds tombstones back.
      'ALTER TABLE devices ADD COLUMN compromised_at bigint',
    ],
  },
  {
    version: 6,
    name: 'tokens.regranted_at dropped: the retry grace is fixed at the rotation, so it decided nothing',
    // Written on each re-issue since version 5 but never read: once several re-issues were allowed
    // within the window counted from `rotated_at`, the time of the last one ruled nothing out.
    statements: ['ALTER TABLE tokens DROP COLUMN regranted_at'],
  },
  {
    version: 7,
    name: 'invites: ids to list and revoke them by, N uses, revocation, a record of each use',
    statements: [
      // A short public handle (the token itself is only ever stored hashed).
      'ALTER TABLE invites ADD COLUMN id text',
      'UPDATE invites SET id = substr(md5(token_hash || random()::text), 1, 10)',
      'ALTER TABLE invites ALTER COLUMN id SET NOT NULL',
      'ALTER TABLE invites ADD CONSTRAINT invites_id_key UNIQUE (id)',
      // Invites made on the command line (REGISTRATION=invite bootstraps the owner) have no maker.
      'ALTER TABLE invites ALTER COLUMN created_by DROP NOT NULL',
      'ALTER TABLE invites ADD COLUMN max_uses integer NOT NULL DEFAULT 1 CHECK (max_uses >= 1)',
      // Bumped under the row's lock, so two registrations never both spend the last use.
      'ALTER TABLE invites ADD COLUMN use_count integer NOT NULL DEFAULT 0',
      'UPDATE invites SET use_count = 1 WHERE used_at IS NOT NULL',
      'ALTER TABLE invites DROP COLUMN used_at',
      'ALTER TABLE invites ADD COLUMN revoked_at bigint',
      `CREATE TABLE invite_uses (
        invite_id text NOT NULL REFERENCES invites (id) ON DELETE CASCADE,
        -- the account it created; the name stays when the account is deleted
        account_id text REFERENCES accounts (id) ON DELETE SET NULL,
        username text NOT NULL,
        used_at bigint NOT NULL
      )`,
      'CREATE INDEX invite_uses_invite ON invite_uses (invite_id, used_at)',
    ],
  },
  {
    version: 8,
    name: 'admin: owner sessions and sign-in links, disabled accounts, closed tokens, settings, audit',
    statements: [
      // Set by the owner on the admin page; the account's devices are refused while it is set.
      'ALTER TABLE accounts ADD COLUMN disabled_at bigint',
      // Separate from /activate sessions: other lifetimes (idle and absolute) and another cookie.
      `CREATE TABLE admin_sessions (
        token_hash text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        expires_at bigint NOT NULL
      )`,
      // One-time sign-in links printed by `admin create-link`; stored hashed, spent on use.
      `CREATE TABLE admin_links (
        token_hash text PRIMARY KEY,
        expires_at bigint NOT NULL
      )`,
      // Hashes of a deleted account's tokens, so its devices learn why they were signed out.
      // Nothing else of the account is kept.
      `CREATE TABLE closed_tokens (
        token_hash text PRIMARY KEY,
        reason text NOT NULL CHECK (reason IN ('account_deleted')),
        expires_at bigint NOT NULL
      )`,
      'CREATE TABLE server_settings (name text PRIMARY KEY, value text NOT NULL)',
      `CREATE TABLE admin_audit (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        detail text
      )`,
    ],
  },
];
