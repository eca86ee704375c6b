import type { FormEvent } from 'react';
import { useT } from '../../i18n.js';
import type { OrganisationView } from '../../api.js';
import { formValue, useVocabulary } from '../../reference.js';
import { FormError } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';

export interface OrganisationFormValues {
  name: string;
  type: string;
  county: string;
}

const FIELDS = ['name', 'type', 'county'] as const;

export function OrganisationForm({
  organisation,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  organisation?: OrganisationView;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: OrganisationFormValues) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const errors = fieldErrors(error);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    onSubmit({
      name: formValue(data, 'name'),
      type: formValue(data, 'type'),
      county: formValue(data, 'county'),
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError error={error} fields={FIELDS} />
      <TextField
        label={t('web.organisations.fields.name')}
        name="name"
        autoComplete="organization"
        defaultValue={organisation?.name}
        required
        error={errors.name}
      />
      <SelectField
        label={t('web.organisations.fields.type')}
        name="type"
        options={vocab.orgTypeOptions}
        emptyLabel={organisation ? undefined : t('web.common.choose')}
        defaultValue={organisation?.type ?? ''}
        required
        error={errors.type}
      />
      <SelectField
        label={t('web.organisations.fields.county')}
        name="county"
        options={vocab.countyOptions}
        emptyLabel={organisation ? undefined : t('web.common.choose')}
        defaultValue={organisation?.county ?? ''}
        required
        error={errors.county}
      />
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
