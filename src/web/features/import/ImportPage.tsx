import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, ApiError, downloads, type ImportKind, type ImportReply } from '../../api.js';
import { Page, Section } from '../../components/Page.js';
import { Notice } from '../../components/Alerts.js';
import { SelectField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';

const KINDS: readonly ImportKind[] = ['organisations', 'contacts'];

/** Problems with the file as a whole (encoding, columns) or, on commit, with its rows. */
function FileProblems({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const e =
    error instanceof ApiError ? error : new ApiError(0, 'unexpected', t('web.errors.unexpected'));
  const describe = (path: string, message: string) => {
    const column = /^columns\.(.+)$/.exec(path);
    if (column) return t('web.import.columnProblem', { column: column[1] ?? '', message });
    const row = /^rows\.(\d+)\.(.+)$/.exec(path);
    if (row)
      return t('web.import.rowProblem', { line: row[1] ?? '', column: row[2] ?? '', message });
    return message;
  };
  return (
    <div className="alert alert-error" role="alert">
      <p>{e.message}</p>
      {e.fields.length > 0 ? (
        <ul>
          {e.fields.map((f, i) => (
            <li key={`${f.path}-${i}`}>{describe(f.path, f.message)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Preview({ kind, preview }: { kind: ImportKind; preview: ImportReply }) {
  const t = useT();
  const columns = Object.keys(preview.sample[0] ?? {});
  return (
    <Section title={t('web.import.preview.heading')}>
      <p>{t('web.import.preview.rows', { count: preview.rows })}</p>
      {preview.problems.length === 0 ? (
        <Notice>{t('web.import.preview.noProblems', { count: preview.rows })}</Notice>
      ) : (
        <>
          <div className="alert alert-error" role="alert">
            <p>{t('web.import.preview.problems', { count: preview.problems.length })}</p>
          </div>
          <TableWrap label={t('web.import.preview.problemsCaption')}>
            <table>
              <caption>{t('web.import.preview.problemsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="numeric">
                    {t('web.import.fields.line')}
                  </th>
                  <th scope="col">{t('web.import.fields.column')}</th>
                  <th scope="col">{t('web.import.fields.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.problems.map((p, i) => (
                  <tr key={`${p.line}-${p.field}-${i}`}>
                    <td className="numeric">{p.line}</td>
                    <td>
                      <code>{p.field}</code>
                    </td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
      {preview.sample.length > 0 ? (
        <TableWrap
          label={t('web.import.preview.sampleCaption', {
            count: preview.sample.length,
            kind: t(`web.import.kinds.${kind}`),
          })}
        >
          <table>
            <caption>
              {t('web.import.preview.sampleCaption', {
                count: preview.sample.length,
                kind: t(`web.import.kinds.${kind}`),
              })}
            </caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    <code>{c}</code>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c}>{row[c] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </Section>
  );
}

/**
 * Import of organisations or contact persons from a CSV file: check first
 * (problems by line and column, a sample), then import all rows, or none.
 */
export function ImportPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<ImportKind>('organisations');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [result, setResult] = useState<{ kind: ImportKind; created: number } | null>(null);

  const preview = useMutation({
    mutationFn: (f: File) => api.importDirectory(kind, 'preview', f),
  });
  const commit = useMutation({
    mutationFn: (f: File) => api.importDirectory(kind, 'commit', f),
    onSuccess: (r) => {
      setResult({ kind, created: r.created });
      preview.reset();
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
      void queryClient.invalidateQueries({ queryKey: ['organisations'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      void queryClient.invalidateQueries({ queryKey: ['home'] });
    },
  });
  const startOver = () => {
    preview.reset();
    commit.reset();
    setResult(null);
    setFileError(null);
  };

  const check = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    startOver();
    if (!file) {
      setFileError(t('web.import.chooseFile'));
      return;
    }
    preview.mutate(file);
  };

  const ready = preview.data !== undefined && preview.data.problems.length === 0 && file !== null;
  const kindOptions = KINDS.map((k) => ({ value: k, label: t(`web.import.kindLabels.${k}`) }));

  return (
    <Page title={t('web.import.title')}>
      <p className="lead">{t('web.import.intro')}</p>
      <ol className="steps-inline">
        <li>{t('web.import.step1')}</li>
        <li>{t('web.import.step2')}</li>
        <li>{t('web.import.step3')}</li>
      </ol>
      {result ? (
        <Notice>
          <p>{t(`web.import.done.${result.kind}`, { count: result.created })}</p>
          <p>
            <Link to={result.kind === 'organisations' ? '/organisations' : '/contacts'}>
              {t(`web.import.done.${result.kind}Link`)}
            </Link>
          </p>
        </Notice>
      ) : null}
      <form className="form" noValidate onSubmit={check}>
        <SelectField
          label={t('web.import.fields.kind')}
          name="kind"
          options={kindOptions}
          value={kind}
          onChange={(e) => {
            const next = KINDS.find((k) => k === e.target.value);
            if (next) setKind(next);
            startOver();
          }}
        />
        <p>
          <a href={downloads.importTemplate(kind)} download>
            {t('web.import.template', { kind: t(`web.import.kinds.${kind}`) })}
          </a>
        </p>
        <div className={fileError ? 'field field-invalid' : 'field'}>
          <label htmlFor="import-file">{t('web.import.fields.file')}</label>
          <p id="import-file-hint" className="hint">
            {t('web.import.fileHint')}
          </p>
          {fileError ? (
            <p id="import-file-error" className="field-error">
              {fileError}
            </p>
          ) : null}
          <input
            ref={fileRef}
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? 'import-file-hint import-file-error' : 'import-file-hint'}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              startOver();
            }}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button-secondary" disabled={preview.isPending}>
            {preview.isPending ? t('web.import.checking') : t('web.import.check')}
          </button>
        </div>
      </form>
      <FileProblems error={preview.error ?? commit.error} />
      {preview.data ? <Preview kind={kind} preview={preview.data} /> : null}
      {preview.data ? (
        <div className="button-row">
          <button
            type="button"
            disabled={!ready || commit.isPending}
            aria-describedby={ready ? undefined : 'import-blocked'}
            onClick={() => {
              if (file) commit.mutate(file);
            }}
          >
            {t('web.import.commit', { count: preview.data.rows })}
          </button>
          {ready ? null : (
            <span id="import-blocked" className="hint">
              {t('web.import.blocked')}
            </span>
          )}
        </div>
      ) : null}
    </Page>
  );
}
