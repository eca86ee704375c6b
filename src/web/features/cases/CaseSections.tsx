import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { api, ApiError, type BackgroundInput, type CaseView } from '../../api.js';
import { formatDate } from '../../reference.js';
import { countryName } from '../../countries.js';
import { Section } from '../../components/Page.js';
import { EmptyState, FormError, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { TextAreaField } from '../../components/Fields.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import { useProgrammeVocabulary } from '../programme/vocabulary.js';
import {
  BACKGROUND_FIELDS,
  BackgroundFields,
  backgroundFromDraft,
  draftFrom,
} from './BackgroundFields.js';
import { PROTECTION_FIELDS, ProtectionFields } from './ProtectionFields.js';
import { localProblem } from './CaseCreatePage.js';

export const caseKey = (id: string) => ['case', id] as const;

/** After a change that answers with the case: show it, and let lists reload. */
function useCaseUpdated(id: string) {
  const queryClient = useQueryClient();
  return (view?: CaseView) => {
    if (view) queryClient.setQueryData(caseKey(id), view);
    else void queryClient.invalidateQueries({ queryKey: caseKey(id) });
    void queryClient.invalidateQueries({ queryKey: ['cases', 'list'] });
  };
}

/** A stale version: the case is reloaded so the next try starts from what is stored. */
function useReloadOnConflict(id: string) {
  const queryClient = useQueryClient();
  return (err: unknown) => {
    if (err instanceof ApiError && err.status === 409)
      void queryClient.invalidateQueries({ queryKey: caseKey(id) });
  };
}

/** The background (statistics fields) and, for the owning organisation, its form. */
export function BackgroundSection({ c }: { c: CaseView }) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const updated = useCaseUpdated(c.id);
  const onConflict = useReloadOnConflict(c.id);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [draft, setDraft] = useState(() => draftFrom(c.background));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (background: BackgroundInput) =>
      api.updateBackground(c.id, { expectedVersion: c.version, background }),
    onSuccess: (view) => {
      updated(view);
      setEditing(false);
      setSaved(true);
    },
    onError: onConflict,
  });
  const errors = { ...nestedFieldErrors(save.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const b = c.background;

  const start = () => {
    setDraft(draftFrom(c.background));
    setLocal({});
    save.reset();
    setSaved(false);
    setEditing(true);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = backgroundFromDraft(draft, t);
    if (!parsed.ok) {
      save.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    save.mutate(parsed.value);
  };

  return (
    <Section title={t('web.background.heading')}>
      {saved ? <Notice>{t('web.common.saved')}</Notice> : null}
      {editing ? (
        <form className="form form-wide" noValidate onSubmit={submit}>
          <FormError
            error={hasLocal ? localProblem(t('web.cases.checkFields')) : save.error}
            fields={hasLocal ? [] : shownPaths(save.error, BACKGROUND_FIELDS)}
          />
          <BackgroundFields value={draft} onChange={setDraft} errors={errors} />
          <div className="button-row">
            <button type="submit" disabled={save.isPending}>
              {t('web.background.save')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setEditing(false)}>
              {t('web.common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="details">
            <dt>{t('web.background.fields.nationality')}</dt>
            <dd>{b.nationality ? countryName(b.nationality) : t('web.background.notKnown')}</dd>
            <dt>{t('web.background.fields.gender')}</dt>
            <dd>{vocab.gender(b.gender)}</dd>
            <dt>{t('web.background.fields.ageBand')}</dt>
            <dd>{vocab.ageBand(b.ageBand)}</dd>
            <dt>{t('web.background.fields.childrenCount')}</dt>
            <dd>
              {b.childrenCount}
              {b.childrenAges.length > 0
                ? ` (${t('web.background.ages', {
                    list: b.childrenAges.join(', '),
                    count: b.childrenAges.length,
                  })})`
                : ''}
            </dd>
            <dt>{t('web.background.fields.childrenInHomeCountry')}</dt>
            <dd>{b.childrenInHomeCountry}</dd>
            <dt>{t('web.background.fields.exploitationForms')}</dt>
            <dd>{b.exploitationForms.map(vocab.exploitationForm).join(', ') || '–'}</dd>
            <dt>{t('web.background.fields.exploitationCountries')}</dt>
            <dd>{b.exploitationCountries.map(countryName).join(', ') || '–'}</dd>
            <dt>{t('web.background.fields.policeReport')}</dt>
            <dd>
              {vocab.policeReport(b.policeReport)}
              {b.policeReportDate
                ? ` (${t('web.background.reportedOn', { date: formatDate(b.policeReportDate) })})`
                : ''}
            </dd>
            <dt>{t('web.background.fields.residenceStatus')}</dt>
            <dd>{vocab.residenceStatus(b.residenceStatus)}</dd>
            <dt>{t('web.background.fields.housingSituation')}</dt>
            <dd>{vocab.housingSituation(b.housingSituation)}</dd>
          </dl>
          {c.mayEdit ? (
            <button type="button" className="button-secondary" onClick={start}>
              {t('web.background.edit')}
            </button>
          ) : null}
        </>
      )}
    </Section>
  );
}

/** Protected identity and the staff named on the case (the owning organisation sees them). */
export function ProtectionSection({ c }: { c: CaseView }) {
  const t = useT();
  const updated = useCaseUpdated(c.id);
  const onConflict = useReloadOnConflict(c.id);
  const [protectedIdentity, setProtectedIdentity] = useState(c.protectedIdentity);
  const [staff, setStaff] = useState(() => c.protectedStaff.map((s) => s.id));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api.updateProtection(c.id, {
        expectedVersion: c.version,
        protectedIdentity,
        protectedStaffUserIds: protectedIdentity ? staff : [],
      }),
    onSuccess: (view) => {
      updated(view);
      setSaved(true);
    },
    onError: onConflict,
  });
  const errors = nestedFieldErrors(save.error);

  return (
    <Section title={t('web.cases.protection.heading')}>
      <p>
        {c.protectedIdentity
          ? t('web.cases.protection.isProtected')
          : t('web.cases.protection.notProtected')}
      </p>
      {c.protectedIdentity && c.protectedStaff.length > 0 ? (
        <p>
          {t('web.cases.protection.named', {
            list: c.protectedStaff.map((s) => s.name).join(', '),
          })}
        </p>
      ) : null}
      {c.mayEdit ? (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            save.mutate();
          }}
        >
          {saved && !save.isPending ? <Notice>{t('web.common.saved')}</Notice> : null}
          <FormError error={save.error} fields={shownPaths(save.error, PROTECTION_FIELDS)} />
          <ProtectionFields
            protectedIdentity={protectedIdentity}
            staff={staff}
            onProtectedChange={setProtectedIdentity}
            onStaffChange={setStaff}
            errors={errors}
            extraStaff={c.protectedStaff}
          />
          <div className="button-row">
            <button type="submit" className="button-secondary" disabled={save.isPending}>
              {t('web.cases.protection.save')}
            </button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}

/**
 * The encrypted identity note, for the owning organisation's staff only.
 * It is fetched only when asked for (every view is logged) and hidden again.
 */
export function IdentityNoteSection({ c }: { c: CaseView }) {
  const t = useT();
  const updated = useCaseUpdated(c.id);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [removing, setRemoving] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const shownRef = useRef<HTMLDivElement>(null);
  const reveal = useMutation({ mutationFn: () => api.identityNote(c.id) });
  const save = useMutation({
    mutationFn: (note: string | null) => api.setIdentityNote(c.id, note),
    onSuccess: (_r, note) => {
      updated();
      reveal.reset();
      setEditing(false);
      setRemoving(false);
      setDone(
        note === null ? t('web.cases.identityNote.removed') : t('web.cases.identityNote.saved'),
      );
    },
  });
  const shown = reveal.data;

  // Focus moves to the note when it appears, so screen readers read it.
  useEffect(() => {
    if (shown) shownRef.current?.focus();
  }, [shown]);

  const hide = () => {
    reveal.reset();
    setEditing(false);
    setDone(null);
  };
  const edit = (current: string) => {
    save.reset();
    setText(current);
    setDone(null);
    setEditing(true);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate(text.trim() === '' ? null : text);
  };
  const errors = nestedFieldErrors(save.error);

  return (
    <Section title={t('web.cases.identityNote.heading')}>
      <p className="hint">{t('web.cases.identityNote.explain')}</p>
      <Notice>{done}</Notice>
      {editing ? (
        <form className="form" noValidate onSubmit={submit}>
          <FormError error={save.error} fields={shownPaths(save.error, ['identityNote'])} />
          <TextAreaField
            label={t('web.cases.identityNote.label')}
            hint={t('web.cases.identityNote.hint')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={2000}
            rows={3}
            autoComplete="off"
            error={errors.identityNote}
          />
          <div className="button-row">
            <button type="submit" disabled={save.isPending}>
              {t('web.cases.identityNote.save')}
            </button>
            <button type="button" className="button-secondary" onClick={hide}>
              {t('web.common.cancel')}
            </button>
          </div>
        </form>
      ) : shown ? (
        <>
          <div ref={shownRef} tabIndex={-1} className="identity-note focus-target">
            <p className="visually-hidden">{t('web.cases.identityNote.label')}</p>
            <p className="about">{shown.identityNote ?? t('web.cases.identityNote.none')}</p>
          </div>
          <div className="button-row">
            <button type="button" className="button-secondary" onClick={hide}>
              {t('web.cases.identityNote.hide')}
            </button>
            {c.mayEdit ? (
              <>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => edit(shown.identityNote ?? '')}
                >
                  {t('web.cases.identityNote.edit')}
                </button>
                {shown.identityNote !== null ? (
                  <button
                    type="button"
                    className="button-danger-outline"
                    onClick={() => {
                      save.reset();
                      setRemoving(true);
                    }}
                  >
                    {t('web.cases.identityNote.remove')}
                  </button>
                ) : null}
              </>
            ) : null}
          </div>
        </>
      ) : c.hasIdentityNote ? (
        <>
          <FormError error={reveal.error} />
          <button
            type="button"
            className="button-secondary"
            disabled={reveal.isPending}
            onClick={() => {
              setDone(null);
              reveal.mutate();
            }}
          >
            {t('web.cases.identityNote.show')}
          </button>
        </>
      ) : (
        <>
          <EmptyState>{t('web.cases.identityNote.none')}</EmptyState>
          {c.mayEdit ? (
            <button type="button" className="button-secondary" onClick={() => edit('')}>
              {t('web.cases.identityNote.add')}
            </button>
          ) : null}
        </>
      )}
      <ConfirmDialog
        open={removing}
        title={t('web.cases.identityNote.confirmTitle', { code: c.code })}
        confirmLabel={t('web.cases.identityNote.remove')}
        busy={save.isPending}
        error={save.error}
        onConfirm={() => save.mutate(null)}
        onCancel={() => {
          setRemoving(false);
          save.reset();
        }}
      >
        <p>{t('web.cases.identityNote.confirmBody')}</p>
      </ConfirmDialog>
    </Section>
  );
}
