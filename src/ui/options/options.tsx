import { useEffect, useState } from 'preact/hooks';
import type { Bridge } from '../../host/contract';
import { ErrorAlert } from '../components/error-alert';
import { Locked } from '../lock/locked';
import { StatusPill } from '../popup/status-pill';
import { BridgeContext, useStatus } from '../use-bridge';
import { SECTIONS } from './sections';
import { Welcome } from './welcome';

function sectionFromHash(): string {
  const id = location.hash.slice(1);
  return id === WELCOME || SECTIONS.some((s) => s.id === id) ? id : 'records';
}

/** The first-run guide's address (the extension opens it when installed). */
const WELCOME = 'welcome';

function Layout({ bridge }: { bridge: Bridge }) {
  const { status, error } = useStatus();
  const [current, setCurrent] = useState(sectionFromHash);
  useEffect(() => {
    const onHash = () => setCurrent(sectionFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (current === WELCOME) return <Welcome bridge={bridge} />;
  const section = SECTIONS.find((s) => s.id === current) ?? SECTIONS[0];
  if (!section) return null;
  const View = section.view;
  return (
    <div class="options">
      <nav aria-label="Satchel settings">
        <p class="row spread nav-title">
          <strong>Satchel</strong>
          {status && (
            <StatusPill phase={status.state} pending={status.pendingEdits} asOf={status.asOf} />
          )}
        </p>
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#${s.id}`} aria-current={s.id === section.id ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      <main class="content">
        {status?.state.kind === 'locked' ? (
          <Locked status={status} />
        ) : status ? (
          <View status={status} />
        ) : error ? (
          <ErrorAlert error={error} />
        ) : (
          <p class="row muted" role="status">
            <span class="spinner" aria-hidden="true" /> Loading…
          </p>
        )}
      </main>
    </div>
  );
}

/** The full settings page (the extension's options page, the PWA's settings). */
export function Options({ bridge }: { bridge: Bridge }) {
  return (
    <BridgeContext.Provider value={bridge}>
      <Layout bridge={bridge} />
    </BridgeContext.Provider>
  );
}
