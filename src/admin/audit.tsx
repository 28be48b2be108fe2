/** What was done on this server and by whom (sign-ins, revocations, deletions), newest first. */
import type { AuditEntry } from './api';
import { Loaded, useApi, useFocusOnShow, useLoad } from './kit';
import { Cell, Table, TimeCell } from './table';

function describeDetail(detail: AuditEntry['detail']): string {
  if (detail === null || detail === undefined || detail === '') return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

export function Audit() {
  const api = useApi();
  const { state, reload } = useLoad(() => api.audit());
  const heading = useFocusOnShow<HTMLHeadingElement>();
  return (
    <section class="stack" aria-labelledby="audit-title">
      <div class="row spread">
        <h1 id="audit-title" ref={heading} tabIndex={-1}>
          Audit log
        </h1>
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <Loaded state={state} what="the audit log" onRetry={() => void reload()}>
        {(entries) =>
          entries.length === 0 ? (
            <p class="muted">Nothing recorded yet.</p>
          ) : (
            <Table columns={['When', 'Who', 'Action', 'Target', 'Detail']} labelledBy="audit-title">
              {entries.map((entry, index) => (
                <tr key={index}>
                  <TimeCell label="When" at={entry.at} />
                  <Cell label="Who">{entry.actor ?? <span class="muted">server</span>}</Cell>
                  <Cell label="Action" class="code">
                    {entry.action}
                  </Cell>
                  <Cell label="Target" class="wrap">
                    {entry.target ?? ''}
                  </Cell>
                  <Cell label="Detail" class="wrap small">
                    {describeDetail(entry.detail)}
                  </Cell>
                </tr>
              ))}
            </Table>
          )
        }
      </Loaded>
    </section>
  );
}
