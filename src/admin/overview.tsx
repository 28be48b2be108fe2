/**
 * The server at a glance: how much it holds, who may register, and what went wrong lately (the
 * errors it answered and the rate limits people hit), newest first.
 */
import { formatBytes } from '../ui/format';
import type { Overview as OverviewData } from './api';
import { Loaded, useApi, useFocusOnShow, useLoad } from './kit';
import { Registration } from './registration';
import { Cell, Table, TimeCell } from './table';

export function Overview() {
  const api = useApi();
  const { state, reload } = useLoad(() => api.overview());
  const heading = useFocusOnShow<HTMLHeadingElement>();
  return (
    <section class="stack" aria-labelledby="overview-title">
      <h1 id="overview-title" ref={heading} tabIndex={-1}>
        Overview
      </h1>
      <Loaded state={state} what="the overview" onRetry={() => void reload()}>
        {(data) => <OverviewBody data={data} onChanged={() => void reload()} />}
      </Loaded>
    </section>
  );
}

function OverviewBody({ data, onChanged }: { data: OverviewData; onChanged(): void }) {
  const totals: [string, string][] = [
    ['Accounts', String(data.accounts)],
    ['Devices', String(data.devices)],
    ['Records', String(data.records)],
    ['Stored', formatBytes(data.bytes)],
  ];
  return (
    <>
      <dl class="totals" data-testid="totals">
        {totals.map(([name, value]) => (
          <div key={name} class="count">
            <dt class="small muted">{name}</dt>
            <dd>
              <strong>{value}</strong>
            </dd>
          </div>
        ))}
      </dl>
      <Registration mode={data.registration} onChanged={onChanged} />
      <section class="stack" aria-labelledby="errors-title">
        <h2 id="errors-title">Recent errors</h2>
        {data.recentErrors.length === 0 ? (
          <p class="muted">No errors answered lately.</p>
        ) : (
          <Table columns={['When', 'Status', 'Code', 'Request']}>
            {data.recentErrors.map((error, index) => (
              <tr key={index}>
                <TimeCell label="When" at={error.at} />
                <Cell label="Status">{error.status}</Cell>
                <Cell label="Code" class="code">
                  {error.code}
                </Cell>
                <Cell label="Request" class="wrap">
                  {error.method} {error.path}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section class="stack" aria-labelledby="limits-title">
        <h2 id="limits-title">Rate limits hit</h2>
        {data.rateLimitHits.length === 0 ? (
          <p class="muted">Nobody hit a rate limit lately.</p>
        ) : (
          <Table columns={['When', 'Limit', 'Refused']}>
            {data.rateLimitHits.map((hit, index) => (
              <tr key={index}>
                <TimeCell label="When" at={hit.at} />
                <Cell label="Limit" class="code">
                  {hit.scope}
                </Cell>
                <Cell label="Refused">{hit.count}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}
