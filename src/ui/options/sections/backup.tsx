import { useState } from 'preact/hooks';
import type { ImportPreview } from '../../../host/contract';
import { ErrorAlert } from '../../components/error-alert';
import { useAction, useBridge } from '../../use-bridge';
import type { SectionProps } from '../section';

/** Export everything to a JSON file; import goes through the normal merge after a preview. */
export function Backup(_: SectionProps) {
  const bridge = useBridge();
  const exporting = useAction();
  const importing = useAction();
  const [file, setFile] = useState<{ name: string; json: string } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [done, setDone] = useState<ImportPreview | null>(null);
  const exportAll = () =>
    void exporting.run(async () => {
      const { json } = await bridge.call('backup.export');
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `satchel-backup-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(url);
    });
  return (
    <section class="stack" aria-labelledby="backup-title">
      <h1 id="backup-title">Backup</h1>
      <div class="card stack">
        <h2>Export</h2>
        <p class="small muted">
          A JSON file with all your settings, including API keys in the clear: keep it somewhere
          safe.
        </p>
        <ErrorAlert error={exporting.error} />
        <button type="button" onClick={exportAll} disabled={exporting.busy}>
          Export to a file
        </button>
      </div>
      <div class="card stack">
        <h2>Import</h2>
        <label for="import-file">Backup file</label>
        <input
          id="import-file"
          type="file"
          accept="application/json,.json"
          onChange={(e) => {
            const chosen = e.currentTarget.files?.[0];
            setPreview(null);
            setDone(null);
            if (!chosen) return;
            void importing.run(async () => {
              const json = await chosen.text();
              setFile({ name: chosen.name, json });
              setPreview(await bridge.call('backup.previewImport', { json }));
            });
          }}
        />
        <ErrorAlert error={importing.error} />
        {preview && file && (
          <div class="stack">
            <p role="status">
              {file.name}: {preview.added} new, {preview.changed} changed, {preview.unchanged}{' '}
              already the same. Changed items are merged with what is here.
            </p>
            <button
              type="button"
              class="primary"
              disabled={importing.busy}
              onClick={() =>
                void importing.run(async () => {
                  setDone(await bridge.call('backup.import', { json: file.json }));
                  setPreview(null);
                })
              }
            >
              Import
            </button>
          </div>
        )}
        {done && (
          <p class="alert ok" role="status">
            Imported: {done.added} new, {done.changed} changed.
          </p>
        )}
      </div>
    </section>
  );
}
