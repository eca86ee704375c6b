import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n.js';
import type { OrganisationInput, OrganisationView } from '../../api.js';
import {
  formValue,
  formValueOrNull,
  useVocabulary,
  type OrganisationType,
} from '../../reference.js';
import { countryOptions } from '../../countries.js';
import { languageOptions } from '../../languages.js';
import { FormError } from '../../components/Alerts.js';
import {
  CheckboxGroup,
  fieldErrors,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/Fields.js';
import { useServices } from '../services/useServices.js';

const FIELDS = [
  'name',
  'type',
  'authorityKind',
  'county',
  'municipality',
  'district',
  'country',
  'website',
  'publicPhone',
  'publicEmail',
  'about',
  'languages',
  'services',
  'membership',
  'membershipSince',
] as const;

/**
 * The organisation's profile: creating one (coordinator, administrators) or
 * editing it. Membership of the platform is only offered to those who may
 * change it (`withMembership`); the field is then left out of the request.
 */
export function OrganisationForm({
  organisation,
  withMembership,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  organisation?: OrganisationView;
  withMembership: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: OrganisationInput) => void;
}) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const errors = fieldErrors(error);
  const [type, setType] = useState<string>(organisation?.type ?? '');
  const [county, setCounty] = useState<string>(organisation?.county ?? '');
  const [languages, setLanguages] = useState<string[]>(organisation?.languages ?? []);
  const [chosenServices, setChosenServices] = useState<string[]>(organisation?.services ?? []);
  const isAuthority = type === 'authority';
  const abroad = type === 'partner_abroad' || county === 'abroad';

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const values: OrganisationInput = {
      name: formValue(data, 'name'),
      type: formValue(data, 'type') as OrganisationType,
      county: formValue(data, 'county') as OrganisationInput['county'],
      authorityKind: isAuthority
        ? ((formValueOrNull(data, 'authorityKind') as OrganisationInput['authorityKind']) ?? null)
        : null,
      municipality: formValue(data, 'municipality'),
      district: formValue(data, 'district'),
      country: abroad ? formValueOrNull(data, 'country') : null,
      website: formValueOrNull(data, 'website'),
      publicPhone: formValueOrNull(data, 'publicPhone'),
      publicEmail: formValueOrNull(data, 'publicEmail'),
      about: formValue(data, 'about'),
      languages,
      services: chosenServices,
    };
    if (withMembership) {
      values.membership = formValue(data, 'membership') as OrganisationInput['membership'];
      values.membershipSince = formValueOrNull(data, 'membershipSince');
    }
    onSubmit(values);
  };

  return (
    <form className="form form-wide" noValidate onSubmit={submit}>
      <FormError error={error} fields={FIELDS} />
      <fieldset className="form-group">
        <legend>{t('web.organisations.form.basics')}</legend>
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
          value={type}
          onChange={(e) => setType(e.target.value)}
          required
          error={errors.type}
        />
        {isAuthority ? (
          <SelectField
            label={t('web.organisations.fields.authorityKind')}
            name="authorityKind"
            options={vocab.authorityKindOptions}
            emptyLabel={t('web.common.choose')}
            defaultValue={organisation?.authorityKind ?? ''}
            error={errors.authorityKind}
          />
        ) : null}
        <SelectField
          label={t('web.organisations.fields.county')}
          name="county"
          options={vocab.countyOptions}
          emptyLabel={organisation ? undefined : t('web.common.choose')}
          value={county}
          onChange={(e) => setCounty(e.target.value)}
          required
          error={errors.county}
        />
        <TextField
          label={t('web.organisations.fields.municipality')}
          name="municipality"
          autoComplete="address-level2"
          defaultValue={organisation?.municipality ?? ''}
          error={errors.municipality}
        />
        <TextField
          label={t('web.organisations.fields.district')}
          hint={t('web.organisations.form.districtHint')}
          name="district"
          defaultValue={organisation?.district ?? ''}
          error={errors.district}
        />
        {abroad ? (
          <SelectField
            label={t('web.organisations.fields.country')}
            hint={t('web.organisations.form.countryHint')}
            name="country"
            options={countryOptions()}
            emptyLabel={t('web.common.choose')}
            defaultValue={organisation?.country ?? ''}
            required={type === 'partner_abroad'}
            error={errors.country}
          />
        ) : null}
      </fieldset>

      <fieldset className="form-group">
        <legend>{t('web.organisations.form.public')}</legend>
        <p className="hint">{t('web.organisations.form.publicHint')}</p>
        <TextField
          label={t('web.organisations.fields.website')}
          hint={t('web.organisations.form.websiteHint')}
          name="website"
          type="url"
          autoComplete="url"
          defaultValue={organisation?.website ?? ''}
          error={errors.website}
        />
        <TextField
          label={t('web.organisations.fields.publicPhone')}
          hint={t('web.organisations.form.phoneHint')}
          name="publicPhone"
          type="tel"
          autoComplete="tel"
          defaultValue={organisation?.publicPhone ?? ''}
          error={errors.publicPhone}
        />
        <TextField
          label={t('web.organisations.fields.publicEmail')}
          name="publicEmail"
          type="email"
          autoComplete="email"
          defaultValue={organisation?.publicEmail ?? ''}
          error={errors.publicEmail}
        />
        <TextAreaField
          label={t('web.organisations.fields.about')}
          name="about"
          maxLength={2000}
          defaultValue={organisation?.about ?? ''}
          error={errors.about}
        />
      </fieldset>

      <CheckboxGroup
        legend={t('web.organisations.fields.services')}
        hint={t('web.organisations.form.servicesHint')}
        options={services.options(organisation?.services ?? [])}
        value={chosenServices}
        onChange={setChosenServices}
        error={errors.services}
        columns
      />
      <CheckboxGroup
        legend={t('web.organisations.fields.languages')}
        hint={t('web.organisations.form.languagesHint')}
        searchLabel={t('web.organisations.form.languagesSearch')}
        options={languageOptions(organisation?.languages ?? [])}
        value={languages}
        onChange={setLanguages}
        error={errors.languages}
        columns
      />

      {withMembership ? (
        <fieldset className="form-group">
          <legend>{t('web.organisations.form.platform')}</legend>
          <SelectField
            label={t('web.organisations.fields.membership')}
            name="membership"
            options={vocab.membershipOptions}
            defaultValue={organisation?.membership ?? 'none'}
            error={errors.membership}
          />
          <TextField
            label={t('web.organisations.fields.membershipSince')}
            name="membershipSince"
            type="date"
            defaultValue={organisation?.membershipSince ?? ''}
            error={errors.membershipSince}
          />
        </fieldset>
      ) : null}

      <div className="button-row">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
