import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { api, type ServiceInput, type ServiceUpdate, type ServiceView } from '../../api.js';
import { formValue } from '../../reference.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { fieldErrors, TextField } from '../../components/Fields.js';
import { servicesKey, useServices } from './useServices.js';
import { TableWrap } from '../../components/TableWrap.js';

const ADD_FIELDS = ['code', 'nameSv', 'nameEn', 'sortOrder'] as const;
const RENAME_FIELDS = ['nameSv', 'nameEn', 'sortOrder'] as const;

function sortOrderOf(v: string): number | undefined {
  return v === '' ? undefined : Number(v);
}

function AddService({ onDone }: { onDone: (s: ServiceView) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: ServiceInput) => api.createService(v),
    onSuccess: (s) => {
      void queryClient.invalidateQueries({ queryKey: servicesKey });
      onDone(s);
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    create.mutate(
      {
        code: formValue(data, 'code'),
        nameSv: formValue(data, 'nameSv'),
        nameEn: formValue(data, 'nameEn'),
        sortOrder: sortOrderOf(formValue(data, 'sortOrder')),
      },
      { onSuccess: () => form.reset() },
    );
  };
  return (
    <Section title={t('web.services.add.heading')}>
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={create.error} fields={ADD_FIELDS} />
        <TextField
          label={t('web.services.fields.code')}
          hint={t('web.services.add.codeHint')}
          name="code"
          autoComplete="off"
          spellCheck={false}
          required
          error={errors.code}
        />
        <TextField
          label={t('web.services.fields.nameSv')}
          name="nameSv"
          lang="sv"
          autoComplete="off"
          required
          error={errors.nameSv}
        />
        <TextField
          label={t('web.services.fields.nameEn')}
          name="nameEn"
          lang="en"
          autoComplete="off"
          required
          error={errors.nameEn}
        />
        <TextField
          label={t('web.services.fields.sortOrder')}
          hint={t('web.services.add.sortOrderHint')}
          name="sortOrder"
          type="number"
          inputMode="numeric"
          min={0}
          className="field-number"
          error={errors.sortOrder}
        />
        <div className="button-row">
          <button type="submit" disabled={create.isPending}>
            {t('web.services.add.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

type Editing = { kind: 'rename' | 'retire'; service: ServiceView };

/** The service catalogue (coordinator, administrators): add, rename, retire, reinstate. */
export function ServicesPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const services = useServices();
  const [done, setDone] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [draft, setDraft] = useState({ nameSv: '', nameEn: '', sortOrder: '' });
  const update = useMutation({
    mutationFn: ({ code, body }: { code: string; body: ServiceUpdate }) =>
      api.updateService(code, body),
    onSuccess: (s, { body }) => {
      void queryClient.invalidateQueries({ queryKey: servicesKey });
      const name = services.label(s);
      setDone(
        body.retired === true
          ? t('web.services.retire.done', { name })
          : body.retired === false
            ? t('web.services.reinstate.done', { name })
            : t('web.services.rename.done', { name }),
      );
      setEditing(null);
    },
  });
  const errors = fieldErrors(update.error);

  const start = (kind: Editing['kind'], service: ServiceView) => {
    setDone(null);
    update.reset();
    setDraft({
      nameSv: service.nameSv,
      nameEn: service.nameEn,
      sortOrder: String(service.sortOrder),
    });
    setEditing({ kind, service });
  };

  return (
    <Page title={t('web.services.title')}>
      <p className="lead">{t('web.services.intro')}</p>
      <Notice>{done}</Notice>
      {editing ? null : <FormError error={update.error} />}
      {services.query.isPending ? <Loading /> : null}
      {services.query.isError ? (
        <ErrorState error={services.query.error} onRetry={() => void services.query.refetch()} />
      ) : null}
      {services.query.data && services.items.length === 0 ? (
        <EmptyState>{t('web.services.empty')}</EmptyState>
      ) : null}
      {services.items.length > 0 ? (
        <TableWrap label={t('web.services.caption', { count: services.items.length })}>
          <table>
            <caption>{t('web.services.caption', { count: services.items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.services.fields.nameSv')}</th>
                <th scope="col">{t('web.services.fields.nameEn')}</th>
                <th scope="col">{t('web.services.fields.code')}</th>
                <th scope="col" className="numeric">
                  {t('web.services.fields.sortOrder')}
                </th>
                <th scope="col">{t('web.services.fields.status')}</th>
                <th scope="col">{t('web.common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {services.items.map((s) => (
                <tr key={s.code}>
                  <td lang="sv">{s.nameSv}</td>
                  <td lang="en">{s.nameEn}</td>
                  <td>
                    <code>{s.code}</code>
                  </td>
                  <td className="numeric">{s.sortOrder}</td>
                  <td>
                    {s.retired ? (
                      <span className="badge badge-disabled">{t('web.services.retired')}</span>
                    ) : (
                      <span className="badge badge-active">{t('web.services.inUse')}</span>
                    )}
                  </td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button-secondary button-small"
                        aria-label={t('web.services.rename.buttonNamed', {
                          name: services.label(s),
                        })}
                        onClick={() => start('rename', s)}
                      >
                        {t('web.services.rename.button')}
                      </button>
                      {s.retired ? (
                        <button
                          type="button"
                          className="button-secondary button-small"
                          aria-label={t('web.services.reinstate.buttonNamed', {
                            name: services.label(s),
                          })}
                          disabled={update.isPending}
                          onClick={() => {
                            setDone(null);
                            update.mutate({ code: s.code, body: { retired: false } });
                          }}
                        >
                          {t('web.services.reinstate.button')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="button-danger-outline button-small"
                          aria-label={t('web.services.retire.buttonNamed', {
                            name: services.label(s),
                          })}
                          onClick={() => start('retire', s)}
                        >
                          {t('web.services.retire.button')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}

      <AddService
        onDone={(s) => {
          update.reset();
          setDone(t('web.services.add.done', { name: services.label(s) }));
        }}
      />

      <ConfirmDialog
        open={editing?.kind === 'rename'}
        title={
          editing ? t('web.services.rename.title', { name: services.label(editing.service) }) : ''
        }
        confirmLabel={t('web.common.save')}
        destructive={false}
        busy={update.isPending}
        error={editing?.kind === 'rename' ? update.error : undefined}
        fields={RENAME_FIELDS}
        onConfirm={() => {
          if (!editing) return;
          update.mutate({
            code: editing.service.code,
            body: {
              nameSv: draft.nameSv,
              nameEn: draft.nameEn,
              sortOrder: sortOrderOf(draft.sortOrder.trim()),
            },
          });
        }}
        onCancel={() => {
          setEditing(null);
          update.reset();
        }}
      >
        <p>{t('web.services.rename.body')}</p>
        <TextField
          label={t('web.services.fields.nameSv')}
          lang="sv"
          autoComplete="off"
          value={draft.nameSv}
          onChange={(e) => setDraft((d) => ({ ...d, nameSv: e.target.value }))}
          error={errors.nameSv}
          data-autofocus
        />
        <TextField
          label={t('web.services.fields.nameEn')}
          lang="en"
          autoComplete="off"
          value={draft.nameEn}
          onChange={(e) => setDraft((d) => ({ ...d, nameEn: e.target.value }))}
          error={errors.nameEn}
        />
        <TextField
          label={t('web.services.fields.sortOrder')}
          type="number"
          inputMode="numeric"
          min={0}
          className="field-number"
          value={draft.sortOrder}
          onChange={(e) => setDraft((d) => ({ ...d, sortOrder: e.target.value }))}
          error={errors.sortOrder}
        />
      </ConfirmDialog>

      <ConfirmDialog
        open={editing?.kind === 'retire'}
        title={
          editing ? t('web.services.retire.title', { name: services.label(editing.service) }) : ''
        }
        confirmLabel={t('web.services.retire.button')}
        busy={update.isPending}
        error={editing?.kind === 'retire' ? update.error : undefined}
        onConfirm={() => {
          if (editing) update.mutate({ code: editing.service.code, body: { retired: true } });
        }}
        onCancel={() => {
          setEditing(null);
          update.reset();
        }}
      >
        <p>{t('web.services.retire.body')}</p>
      </ConfirmDialog>
    </Page>
  );
}
