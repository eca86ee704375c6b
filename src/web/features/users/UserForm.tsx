import type { FormEvent } from 'react';
import { useT } from '../../i18n.js';
import type { UserView } from '../../api.js';
import { formValue, useVocabulary } from '../../reference.js';
import { FormError } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';

export interface UserFormValues {
  email: string;
  name: string;
  role: string;
  organisationId: string;
  locale: string;
}

const FIELDS = ['email', 'name', 'role', 'organisationId', 'locale'] as const;

/** Creating (with e-mail) or editing (without: the address is the sign-in name) a user. */
export function UserForm({
  user,
  defaultOrganisationId,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  user?: UserView;
  defaultOrganisationId?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: UserFormValues) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const orgs = useOrganisationOptions();
  const errors = fieldErrors(error);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    onSubmit({
      email: user ? user.email : formValue(data, 'email'),
      name: formValue(data, 'name'),
      role: formValue(data, 'role'),
      organisationId: formValue(data, 'organisationId'),
      locale: formValue(data, 'locale'),
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError error={error} fields={FIELDS} />
      {user ? null : (
        <TextField
          label={t('web.users.fields.email')}
          hint={t('web.users.fields.emailHint')}
          name="email"
          type="email"
          autoComplete="off"
          required
          error={errors.email}
        />
      )}
      <TextField
        label={t('web.users.fields.name')}
        name="name"
        autoComplete="off"
        defaultValue={user?.name}
        required
        error={errors.name}
      />
      <SelectField
        label={t('web.users.fields.role')}
        name="role"
        options={vocab.roleOptions}
        emptyLabel={user ? undefined : t('web.common.choose')}
        defaultValue={user?.role ?? ''}
        required
        error={errors.role}
      />
      <SelectField
        label={t('web.users.fields.organisation')}
        name="organisationId"
        options={orgs.options}
        emptyLabel={user ? undefined : t('web.common.choose')}
        defaultValue={user?.organisationId ?? defaultOrganisationId ?? ''}
        key={orgs.isPending ? 'loading' : 'loaded'}
        required
        error={errors.organisationId}
      />
      <SelectField
        label={t('web.users.fields.locale')}
        hint={t('web.users.fields.localeHint')}
        name="locale"
        options={vocab.localeOptions}
        defaultValue={user?.locale ?? 'sv'}
        error={errors.locale}
      />
      {user ? <p className="hint">{t('web.users.edit.scopeHint')}</p> : null}
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
