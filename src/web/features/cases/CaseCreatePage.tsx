import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../i18n.js';
import { api, ApiError, type CaseInput } from '../../api.js';
import { Page } from '../../components/Page.js';
import { FormError } from '../../components/Alerts.js';
import { TextAreaField } from '../../components/Fields.js';
import { nestedFieldErrors, shownPaths } from '../programme/errors.js';
import {
  BACKGROUND_FIELDS,
  BackgroundFields,
  backgroundFromDraft,
  draftFrom,
} from './BackgroundFields.js';
import { PROTECTION_FIELDS, ProtectionFields } from './ProtectionFields.js';

const FIELDS = [...BACKGROUND_FIELDS, ...PROTECTION_FIELDS, 'identityNote'] as const;

/** A problem found before sending: shown like the server's "check the marked fields". */
export function localProblem(message: string): ApiError {
  return new ApiError(400, 'validation', message);
}

/** A new case: the person's background, protection, and an optional encrypted identity note. */
export function CaseCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(draftFrom());
  const [protectedIdentity, setProtectedIdentity] = useState(false);
  const [staff, setStaff] = useState<string[]>([]);
  const [identityNote, setIdentityNote] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: CaseInput) => api.createCase(body),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      void navigate(`/cases/${created.id}`, { state: { notice: 'created' } });
    },
  });
  const errors = { ...nestedFieldErrors(create.error), ...local };
  const hasLocal = Object.keys(local).length > 0;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = backgroundFromDraft(draft, t);
    if (!parsed.ok) {
      create.reset();
      setLocal(parsed.errors);
      return;
    }
    setLocal({});
    create.mutate({
      background: parsed.value,
      protectedIdentity,
      protectedStaffUserIds: protectedIdentity ? staff : [],
      identityNote: identityNote.trim() || null,
    });
  };

  return (
    <Page title={t('web.cases.create.title')}>
      <p className="lead">{t('web.cases.create.intro')}</p>
      <form className="form form-wide" noValidate onSubmit={submit}>
        <FormError
          error={hasLocal ? localProblem(t('web.cases.checkFields')) : create.error}
          fields={hasLocal ? [] : shownPaths(create.error, FIELDS)}
        />
        <BackgroundFields value={draft} onChange={setDraft} errors={errors} />
        <fieldset className="form-group">
          <legend>{t('web.cases.protection.heading')}</legend>
          <ProtectionFields
            protectedIdentity={protectedIdentity}
            staff={staff}
            onProtectedChange={setProtectedIdentity}
            onStaffChange={setStaff}
            errors={errors}
          />
          <TextAreaField
            label={t('web.cases.identityNote.label')}
            hint={t('web.cases.identityNote.hint')}
            value={identityNote}
            onChange={(e) => setIdentityNote(e.target.value)}
            maxLength={2000}
            rows={3}
            autoComplete="off"
            error={errors.identityNote}
          />
        </fieldset>
        <div className="button-row">
          <button type="submit" disabled={create.isPending}>
            {t('web.cases.create.submit')}
          </button>
        </div>
      </form>
      <p>
        <Link to="/cases">{t('web.cases.backToList')}</Link>
      </p>
    </Page>
  );
}
