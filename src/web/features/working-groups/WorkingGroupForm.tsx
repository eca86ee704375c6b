import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { api, type WorkingGroupDetail, type WorkingGroupInput } from '../../api.js';
import {
  formValue,
  formValueOrNull,
  useVocabulary,
  type WorkingGroupPurpose,
} from '../../reference.js';
import { FormError } from '../../components/Alerts.js';
import { fieldErrors, SelectField, TextAreaField, TextField } from '../../components/Fields.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';

const FIELDS = [
  'name',
  'purpose',
  'description',
  'convenorOrganisationId',
  'convenorContactId',
] as const;

/** Name, purpose and convenor of a working group (members are chosen separately). */
export function WorkingGroupForm({
  group,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  group?: WorkingGroupDetail;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: WorkingGroupInput) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const errors = fieldErrors(error);
  const orgs = useOrganisationOptions();
  const [convenorOrg, setConvenorOrg] = useState(group?.convenorOrganisation?.id ?? '');
  const contactQuery = { organisationId: convenorOrg, limit: 500 };
  const contacts = useQuery({
    queryKey: ['contacts', 'list', contactQuery],
    queryFn: () => api.contacts(contactQuery),
    enabled: convenorOrg !== '',
  });
  const contactOptions = (contacts.data?.items ?? []).map((c) => ({
    value: c.id,
    label: c.name,
  }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    onSubmit({
      name: formValue(data, 'name'),
      purpose: formValue(data, 'purpose') as WorkingGroupPurpose,
      description: formValue(data, 'description'),
      convenorOrganisationId: formValueOrNull(data, 'convenorOrganisationId'),
      convenorContactId: convenorOrg ? formValueOrNull(data, 'convenorContactId') : null,
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError error={error} fields={FIELDS} />
      <TextField
        label={t('web.groups.fields.name')}
        name="name"
        autoComplete="off"
        defaultValue={group?.name}
        required
        error={errors.name}
      />
      <SelectField
        label={t('web.groups.fields.purpose')}
        name="purpose"
        options={vocab.purposeOptions}
        emptyLabel={group ? undefined : t('web.common.choose')}
        defaultValue={group?.purpose ?? ''}
        required
        error={errors.purpose}
      />
      <TextAreaField
        label={t('web.groups.fields.description')}
        name="description"
        maxLength={2000}
        defaultValue={group?.description ?? ''}
        error={errors.description}
      />
      <SelectField
        label={t('web.groups.fields.convenorOrganisation')}
        name="convenorOrganisationId"
        options={orgs.options}
        emptyLabel={t('web.groups.noConvenor')}
        value={convenorOrg}
        onChange={(e) => setConvenorOrg(e.target.value)}
        error={errors.convenorOrganisationId}
      />
      {convenorOrg ? (
        <SelectField
          label={t('web.groups.fields.convenorContact')}
          name="convenorContactId"
          options={contactOptions}
          emptyLabel={t('web.groups.noConvenorContact')}
          defaultValue={group?.convenorContact?.id ?? ''}
          key={`${convenorOrg}-${contacts.isPending ? 'loading' : 'loaded'}`}
          error={errors.convenorContactId}
        />
      ) : null}
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
