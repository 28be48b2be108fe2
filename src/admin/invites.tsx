/**
 * Invite links: make one (how many accounts it may create, how long it lasts), see its link this
 * once (the server keeps only a hash of it), list the others with their uses, and revoke one.
 */
import { useId, useState } from 'preact/hooks';
import { CopyButton } from '../ui/components/copy-button';
import type { CreatedInvite, Invite } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { AdminError, Loaded, type ShownError, useApi, useFocusOnShow, useLoad, When } from './kit';
import { asShownError } from './messages';
import { ACTIONS, Cell, Table, TimeCell, useResult } from './table';

const EXPIRY: { label: string; seconds: number }[] = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
];

const STATE_PILL: Record<Invite['state'], string> = {
  usable: 'ok',
  spent: 'busy',
  expired: 'warn',
  revoked: 'bad',
  unknown: 'warn',
};

export function Invites() {
  const api = useApi();
  const { state, reload } = useLoad(() => api.invites());
  const heading = useFocusOnShow<HTMLHeadingElement>();
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [pending, setPending] = useState<Invite | null>(null);
  const [result, setDone] = useResult();
  return (
    <section class="stack" aria-labelledby="invites-title">
      <h1 id="invites-title" ref={heading} tabIndex={-1}>
        Invites
      </h1>
      <CreateInvite
        onCreated={(invite) => {
          setCreated(invite);
          void reload();
        }}
      />
      {created && <NewLink invite={created} onDone={() => setCreated(null)} />}
      {result}
      <h2>Invite links</h2>
      <Loaded state={state} what="invites" onRetry={() => void reload()}>
        {(invites) =>
          invites.length === 0 ? (
            <p class="muted">No invites yet.</p>
          ) : (
            <InviteTable invites={invites} onRevoke={setPending} />
          )
        }
      </Loaded>
      {pending && (
        <ConfirmDialog
          title="Revoke this invite?"
          confirmLabel="Revoke invite"
          danger
          onConfirm={async () => {
            await api.revokeInvite(pending.id);
            await reload();
          }}
          onDone={() => setDone(`Invite ${pending.id} was revoked; its link no longer works.`)}
          onClose={() => setPending(null)}
        >
          <p>Its link stops working at once. Accounts already made with it stay.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateInvite({ onCreated }: { onCreated(invite: CreatedInvite): void }) {
  const api = useApi();
  const [uses, setUses] = useState('1');
  const [expiresInS, setExpiresInS] = useState(7 * 86_400);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const ids = { uses: useId(), expiry: useId() };
  const count = Number(uses);
  const valid = Number.isInteger(count) && count >= 1 && count <= 1000;
  const create = async (event: Event) => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.createInvite({ uses: count, expiresInS }));
    } catch (failure) {
      setError(asShownError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" aria-labelledby="create-invite-title" onSubmit={(e) => void create(e)}>
      <h2 id="create-invite-title">New invite link</h2>
      <div class="row admin-fields">
        <div class="field">
          <label for={ids.uses}>Accounts it may create</label>
          <input
            id={ids.uses}
            type="number"
            inputMode="numeric"
            min={1}
            max={1000}
            required
            value={uses}
            aria-invalid={!valid}
            aria-describedby={valid ? undefined : `${ids.uses}-error`}
            onInput={(event) => setUses(event.currentTarget.value)}
          />
          {!valid && (
            <p class="field-error" id={`${ids.uses}-error`}>
              A whole number from 1 to 1000.
            </p>
          )}
        </div>
        <div class="field">
          <label for={ids.expiry}>Expires after</label>
          <select
            id={ids.expiry}
            value={String(expiresInS)}
            onChange={(event) => setExpiresInS(Number(event.currentTarget.value))}
          >
            {EXPIRY.map(({ label, seconds }) => (
              <option key={seconds} value={String(seconds)}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <AdminError error={error} />
      <button type="submit" class="primary" disabled={busy || !valid}>
        Create invite link
      </button>
    </form>
  );
}

function NewLink({ invite, onDone }: { invite: CreatedInvite; onDone(): void }) {
  const box = useFocusOnShow<HTMLElement>(invite.link);
  const inputId = useId();
  return (
    <section class="card stack alert ok" ref={box} tabIndex={-1} aria-label="New invite link">
      <label for={inputId}>The new link (shown only now: copy it and send it to the person)</label>
      <input
        id={inputId}
        readOnly
        class="code"
        value={invite.link}
        data-testid="invite-link"
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton text={invite.link} what="link" />
      <p class="small">
        It can create {invite.uses === 1 ? 'one account' : `${invite.uses} accounts`} until{' '}
        <When at={invite.expiresAt} />.
      </p>
      <button type="button" onClick={onDone}>
        Done, hide the link
      </button>
    </section>
  );
}

const COLUMNS = ['Invite', 'Created', 'Expires', 'Used', 'Status', ACTIONS];

function InviteTable({ invites, onRevoke }: { invites: Invite[]; onRevoke(invite: Invite): void }) {
  return (
    <Table columns={COLUMNS}>
      {invites.map((invite) => (
        <tr key={invite.id} data-invite={invite.id}>
          <th scope="row" data-label="Invite" class="code">
            {invite.id}
          </th>
          <TimeCell label="Created" at={invite.createdAt} />
          <TimeCell label="Expires" at={invite.expiresAt} />
          <Cell label="Used">
            {invite.useCount} of {invite.maxUses}
            {invite.uses && invite.uses.length > 0 && (
              <span class="small muted">
                {' '}
                ({invite.uses.map((use) => use.username).join(', ')})
              </span>
            )}
          </Cell>
          <Cell label="Status">
            <span class={`pill ${STATE_PILL[invite.state] ?? ''}`}>{invite.state}</span>
          </Cell>
          <Cell label={ACTIONS}>
            {invite.state === 'usable' && (
              <button type="button" class="danger" onClick={() => onRevoke(invite)}>
                Revoke<span class="sr-only"> invite {invite.id}</span>
              </button>
            )}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
