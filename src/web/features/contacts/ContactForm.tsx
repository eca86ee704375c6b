import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n.js';
import type { ContactInput, ContactView } from '../../api.js';
import {
  CONTACT_ROLES,
  formValue,
  formValueOrNull,
  useVocabulary,
  type Option,
} from '../../reference.js';
import { FormError } from '../../components/Alerts.js';
import {
  CheckboxField,
  CheckboxGroup,
  fieldErrors,
  SelectField,
  TextField,
} from '../../components/Fields.js';

const FIELDS = [
  'organisationId',
  'name',
  'title',
  'email',
  'phone',
  'roles',
  'activeFrom',
  'activeTo',
  'public',
] as const;

/**
 * A contact person. The organisation is chosen when creating (from those the
 * person may edit) and fixed afterwards.
 */
export function ContactForm({
  contact,
  organisations,
  defaultOrganisationId,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  contact?: ContactView;
  /** Organisations to choose from when creating. */
  organisations?: Option[];
  defaultOrganisationId?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: ContactInput) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const errors = fieldErrors(error);
  const [roles, setRoles] = useState<string[]>(contact?.roles ?? []);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    onSubmit({
      organisationId: contact ? contact.organisationId : formValue(data, 'organisationId'),
      name: formValue(data, 'name'),
      title: formValue(data, 'title'),
      email: formValueOrNull(data, 'email'),
      phone: formValueOrNull(data, 'phone'),
      roles: CONTACT_ROLES.filter((r) => roles.includes(r)),
      activeFrom: formValueOrNull(data, 'activeFrom'),
      activeTo: formValueOrNull(data, 'activeTo'),
      public: data.get('public') === 'on',
    });
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError error={error} fields={FIELDS} />
      {contact ? null : (
        <SelectField
          label={t('web.contacts.fields.organisation')}
          name="organisationId"
          options={organisations ?? []}
          emptyLabel={(organisations ?? []).length === 1 ? undefined : t('web.common.choose')}
          defaultValue={defaultOrganisationId ?? ''}
          key={(organisations ?? []).length}
          required
          error={errors.organisationId}
        />
      )}
      <TextField
        label={t('web.contacts.fields.name')}
        name="name"
        autoComplete="off"
        defaultValue={contact?.name}
        required
        error={errors.name}
      />
      <TextField
        label={t('web.contacts.fields.title')}
        hint={t('web.contacts.form.titleHint')}
        name="title"
        autoComplete="off"
        defaultValue={contact?.title ?? ''}
        error={errors.title}
      />
      <TextField
        label={t('web.contacts.fields.email')}
        name="email"
        type="email"
        autoComplete="off"
        defaultValue={contact?.email ?? ''}
        error={errors.email}
      />
      <TextField
        label={t('web.contacts.fields.phone')}
        hint={t('web.organisations.form.phoneHint')}
        name="phone"
        type="tel"
        autoComplete="off"
        defaultValue={contact?.phone ?? ''}
        error={errors.phone}
      />
      <CheckboxGroup
        legend={t('web.contacts.fields.roles')}
        options={vocab.contactRoleOptions}
        value={roles}
        onChange={setRoles}
        error={errors.roles}
      />
      <div className="field-pair">
        <TextField
          label={t('web.contacts.fields.activeFrom')}
          name="activeFrom"
          type="date"
          defaultValue={contact?.activeFrom ?? ''}
          error={errors.activeFrom}
        />
        <TextField
          label={t('web.contacts.fields.activeTo')}
          name="activeTo"
          type="date"
          defaultValue={contact?.activeTo ?? ''}
          error={errors.activeTo}
        />
      </div>
      <CheckboxField
        label={t('web.contacts.fields.public')}
        hint={t('web.contacts.form.publicHint')}
        name="public"
        defaultChecked={contact?.public ?? false}
        error={errors.public}
      />
      <div className="button-row">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
