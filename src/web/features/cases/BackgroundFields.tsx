import { useMemo } from 'react';
import { useT } from '../../i18n.js';
import type { BackgroundInput, CaseView } from '../../api.js';
import { countryOptions } from '../../countries.js';
import { CheckboxGroup, SelectField, TextField } from '../../components/Fields.js';
import {
  useProgrammeVocabulary,
  type AgeBand,
  type ExploitationForm,
  type Gender,
  type HousingSituation,
  type PoliceReportAnswer,
  type ResidenceStatus,
} from '../programme/vocabulary.js';

/** The background as edited: every field as typed, converted on submit. */
export interface BackgroundDraft {
  nationality: string;
  gender: string;
  ageBand: string;
  childrenCount: string;
  childrenAges: string;
  childrenInHomeCountry: string;
  exploitationForms: string[];
  exploitationCountries: string[];
  policeReport: string;
  policeReportDate: string;
  residenceStatus: string;
  housingSituation: string;
}

/** The paths of the background's fields in the API (for field messages). */
export const BACKGROUND_FIELDS = [
  'background.nationality',
  'background.gender',
  'background.ageBand',
  'background.childrenCount',
  'background.childrenAges',
  'background.childrenInHomeCountry',
  'background.exploitationForms',
  'background.exploitationCountries',
  'background.policeReport',
  'background.policeReportDate',
  'background.residenceStatus',
  'background.housingSituation',
] as const;

export function draftFrom(bg?: CaseView['background']): BackgroundDraft {
  return {
    nationality: bg?.nationality ?? '',
    gender: bg?.gender ?? '',
    ageBand: bg?.ageBand ?? '',
    childrenCount: String(bg?.childrenCount ?? 0),
    childrenAges: (bg?.childrenAges ?? []).join(', '),
    childrenInHomeCountry: String(bg?.childrenInHomeCountry ?? 0),
    exploitationForms: bg?.exploitationForms ?? [],
    exploitationCountries: bg?.exploitationCountries ?? [],
    policeReport: bg?.policeReport ?? '',
    policeReportDate: bg?.policeReportDate ?? '',
    residenceStatus: bg?.residenceStatus ?? '',
    housingSituation: bg?.housingSituation ?? '',
  };
}

const WHOLE = /^\d{1,3}$/;

/** A count typed in a field: whole numbers only; empty is 0. */
function count(v: string): number | null {
  const s = v.trim();
  if (s === '') return 0;
  return WHOLE.test(s) ? Number(s) : null;
}

/**
 * The draft as the API's background, or the messages of the fields that
 * cannot be sent as typed (the server checks everything else).
 */
export function backgroundFromDraft(
  d: BackgroundDraft,
  t: ReturnType<typeof useT>,
): { ok: true; value: BackgroundInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const childrenCount = count(d.childrenCount);
  if (childrenCount === null)
    errors['background.childrenCount'] = t('web.background.errors.wholeNumber');
  const childrenInHomeCountry = count(d.childrenInHomeCountry);
  if (childrenInHomeCountry === null)
    errors['background.childrenInHomeCountry'] = t('web.background.errors.wholeNumber');
  const ageParts = d.childrenAges
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const childrenAges = ageParts.map((s) => (WHOLE.test(s) ? Number(s) : NaN));
  if (childrenAges.some((a) => Number.isNaN(a) || a > 17))
    errors['background.childrenAges'] = t('web.background.errors.ages');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      nationality: d.nationality || null,
      gender: d.gender as Gender,
      ageBand: d.ageBand as AgeBand,
      childrenCount: childrenCount ?? 0,
      childrenAges,
      childrenInHomeCountry: childrenInHomeCountry ?? 0,
      exploitationForms: d.exploitationForms as ExploitationForm[],
      exploitationCountries: d.exploitationCountries,
      policeReport: d.policeReport as PoliceReportAnswer,
      policeReportDate: d.policeReport === 'yes' && d.policeReportDate ? d.policeReportDate : null,
      residenceStatus: d.residenceStatus as ResidenceStatus,
      housingSituation: d.housingSituation as HousingSituation,
    },
  };
}

/** The background's fields (no name or identity number: the person is known by the case code). */
export function BackgroundFields({
  value,
  onChange,
  errors,
}: {
  value: BackgroundDraft;
  onChange: (next: BackgroundDraft) => void;
  errors: Record<string, string>;
}) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const countries = useMemo(() => countryOptions(), []);
  const set =
    <K extends keyof BackgroundDraft>(k: K) =>
    (v: BackgroundDraft[K]) =>
      onChange({ ...value, [k]: v });
  const text = (
    k: Exclude<keyof BackgroundDraft, 'exploitationForms' | 'exploitationCountries'>,
  ) => ({
    value: value[k],
    onChange: (e: { target: { value: string } }) => set(k)(e.target.value),
    error: errors[`background.${k}`],
  });

  return (
    <>
      <fieldset className="form-group">
        <legend>{t('web.background.person')}</legend>
        <SelectField
          label={t('web.background.fields.nationality')}
          options={countries}
          emptyLabel={t('web.background.notKnown')}
          {...text('nationality')}
        />
        <SelectField
          label={t('web.background.fields.gender')}
          options={vocab.genderOptions}
          emptyLabel={value.gender ? undefined : t('web.common.choose')}
          required
          {...text('gender')}
        />
        <SelectField
          label={t('web.background.fields.ageBand')}
          options={vocab.ageBandOptions}
          emptyLabel={value.ageBand ? undefined : t('web.common.choose')}
          required
          {...text('ageBand')}
        />
        <SelectField
          label={t('web.background.fields.residenceStatus')}
          options={vocab.residenceStatusOptions}
          emptyLabel={value.residenceStatus ? undefined : t('web.common.choose')}
          required
          {...text('residenceStatus')}
        />
        <SelectField
          label={t('web.background.fields.housingSituation')}
          options={vocab.housingSituationOptions}
          emptyLabel={value.housingSituation ? undefined : t('web.common.choose')}
          required
          {...text('housingSituation')}
        />
      </fieldset>
      <fieldset className="form-group">
        <legend>{t('web.background.childrenLegend')}</legend>
        <div className="field-pair">
          <TextField
            label={t('web.background.fields.childrenCount')}
            hint={t('web.background.hints.childrenCount')}
            inputMode="numeric"
            autoComplete="off"
            className="field-number"
            {...text('childrenCount')}
          />
          <TextField
            label={t('web.background.fields.childrenInHomeCountry')}
            inputMode="numeric"
            autoComplete="off"
            className="field-number"
            {...text('childrenInHomeCountry')}
          />
        </div>
        <TextField
          label={t('web.background.fields.childrenAges')}
          hint={t('web.background.hints.childrenAges')}
          autoComplete="off"
          {...text('childrenAges')}
        />
      </fieldset>
      <fieldset className="form-group">
        <legend>{t('web.background.exploitationLegend')}</legend>
        <CheckboxGroup
          legend={t('web.background.fields.exploitationForms')}
          hint={t('web.background.hints.exploitationForms')}
          options={vocab.exploitationFormOptions}
          value={value.exploitationForms}
          onChange={set('exploitationForms')}
          error={errors['background.exploitationForms']}
          columns
        />
        <CheckboxGroup
          legend={t('web.background.fields.exploitationCountries')}
          options={countries}
          value={value.exploitationCountries}
          onChange={set('exploitationCountries')}
          error={errors['background.exploitationCountries']}
          searchLabel={t('web.background.searchCountry')}
          columns
        />
        <SelectField
          label={t('web.background.fields.policeReport')}
          hint={t('web.background.hints.policeReport')}
          options={vocab.policeReportOptions}
          emptyLabel={value.policeReport ? undefined : t('web.common.choose')}
          required
          {...text('policeReport')}
        />
        {value.policeReport === 'yes' ? (
          <TextField
            label={t('web.background.fields.policeReportDate')}
            hint={t('web.background.hints.policeReportDate')}
            type="date"
            {...text('policeReportDate')}
          />
        ) : null}
      </fieldset>
    </>
  );
}
