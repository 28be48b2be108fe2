/**
 * Every account on the server with what it holds, and the owner's actions on it: disable (its
 * devices stop syncing, nothing is deleted), enable, and delete, which needs the username typed
 * because it removes the account and everything it stored for good.
 */
import { useState } from 'preact/hooks';
import { formatBytes, plural } from '../ui/format';
import type { Account } from './api';
import { ConfirmDialog } from './confirm-dialog';
import {
  AdminError,
  itemHref,
  Loaded,
  type ShownError,
  useApi,
  useFocusOnShow,
  useLoad,
} from './kit';
import { asShownError } from './messages';
import { ACTIONS, Cell, Table, TimeCell, useResult } from './table';

type Pending = { kind: 'disable' | 'delete'; account: Account } | null;

export function Accounts() {
  const api = useApi();
  const { state, reload } = useLoad(() => api.accounts());
  const heading = useFocusOnShow<HTMLHeadingElement>();
  const [pending, setPending] = useState<Pending>(null);
  const [result, setDone] = useResult();
  const [error, setError] = useState<ShownError | null>(null);

  const enable = async (account: Account) => {
    setError(null);
    try {
      await api.setAccountDisabled(account.id, false);
      await reload();
      setDone(`${account.username} was enabled; its devices sync again.`);
    } catch (failure) {
      setError(asShownError(failure));
    }
  };

  return (
    <section class="stack" aria-labelledby="accounts-title">
      <h1 id="accounts-title" ref={heading} tabIndex={-1}>
        Accounts
      </h1>
      {result}
      <AdminError error={error} onDismiss={() => setError(null)} />
      <Loaded state={state} what="accounts" onRetry={() => void reload()}>
        {(accounts) =>
          accounts.length === 0 ? (
            <p class="muted">No accounts yet.</p>
          ) : (
            <AccountTable
              accounts={accounts}
              onDisable={(account) => setPending({ kind: 'disable', account })}
              onEnable={enable}
              onDelete={(account) => setPending({ kind: 'delete', account })}
            />
          )
        }
      </Loaded>
      {pending?.kind === 'disable' && (
        <ConfirmDialog
          title={`Disable ${pending.account.username}?`}
          confirmLabel="Disable account"
          danger
          onConfirm={async () => {
            await api.setAccountDisabled(pending.account.id, true);
            await reload();
          }}
          onDone={() =>
            setDone(`${pending.account.username} was disabled; its devices stop syncing.`)
          }
          onClose={() => setPending(null)}
        >
          <p>
            Its devices stop syncing at once and cannot sign in. Nothing is deleted: enabling the
            account again lets them pick up where they left off.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${pending.account.username}?`}
          confirmLabel="Delete account"
          danger
          typeToConfirm={pending.account.username}
          onConfirm={async () => {
            await api.deleteAccount(pending.account.id, pending.account.username);
            await reload();
          }}
          onDone={() =>
            setDone(`${pending.account.username} and everything it stored were deleted.`)
          }
          onClose={() => setPending(null)}
        >
          <p>
            This deletes the account, its {plural(pending.account.devices, 'device')} and its{' '}
            {plural(pending.account.records, 'record')} ({formatBytes(pending.account.bytes)}) from
            this server for good. Its devices keep their own copies, but nothing syncs any more.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

const COLUMNS = [
  'Username',
  'Created',
  'Last seen',
  'Devices',
  'Records',
  'Stored',
  'Key epoch',
  'Status',
  ACTIONS,
];

function AccountTable(props: {
  accounts: Account[];
  onDisable(account: Account): void;
  onEnable(account: Account): Promise<void>;
  onDelete(account: Account): void;
}) {
  return (
    <Table columns={COLUMNS} labelledBy="accounts-title">
      {props.accounts.map((account) => (
        <AccountRow key={account.id} account={account} {...props} />
      ))}
    </Table>
  );
}

function AccountRow(props: {
  account: Account;
  onDisable(account: Account): void;
  onEnable(account: Account): Promise<void>;
  onDelete(account: Account): void;
}) {
  const { account } = props;
  const owner = account.role === 'owner';
  const [busy, setBusy] = useState(false);
  return (
    <tr data-account={account.username}>
      <th scope="row" data-label="Username">
        {account.username} {owner && <span class="pill busy">owner</span>}
      </th>
      <TimeCell label="Created" at={account.createdAt} />
      <TimeCell label="Last seen" at={account.lastSeenAt} />
      <Cell label="Devices">
        <a href={itemHref('accounts', account.id)} aria-label={`${account.username}’s devices`}>
          {plural(account.devices, 'device')}
        </a>
      </Cell>
      <Cell label="Records">{account.records}</Cell>
      <Cell label="Stored">{formatBytes(account.bytes)}</Cell>
      <Cell label="Key epoch">{account.keyEpoch ?? <span class="muted">no key yet</span>}</Cell>
      <Cell label="Status">
        {account.disabledAt === null ? (
          <span class="pill ok">active</span>
        ) : (
          <span class="pill bad">disabled</span>
        )}
      </Cell>
      <Cell label={ACTIONS}>
        {owner ? (
          <span class="small muted">Your account</span>
        ) : (
          <div class="row">
            {account.disabledAt === null ? (
              <button type="button" onClick={() => props.onDisable(account)}>
                Disable<span class="sr-only"> {account.username}</span>
              </button>
            ) : (
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setBusy(true);
                  props.onEnable(account).finally(() => setBusy(false));
                }}
              >
                Enable<span class="sr-only"> {account.username}</span>
              </button>
            )}
            <button type="button" class="danger" onClick={() => props.onDelete(account)}>
              Delete<span class="sr-only"> {account.username}</span>
            </button>
          </div>
        )}
      </Cell>
    </tr>
  );
}
