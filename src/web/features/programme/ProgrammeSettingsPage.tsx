import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { currentLanguage, useT } from '../../i18n.js';
import { api, type InterventionInput, type InterventionView } from '../../api.js';
import { formatDate, hasPermission } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, FormError, Loading, Notice } from '../../components/Alerts.js';
import { CheckboxField, fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { TableWrap } from '../../components/TableWrap.js';
import { oreToKronorInput, parseKronor } from './money.js';
import { Money } from './ProgrammeParts.js';
import { programmeKey, useProgramme } from './useProgramme.js';
import {
  decimalSeparator,
  useProgrammeVocabulary,
  type CostResponsibility,
  type InterventionUnit,
} from './vocabulary.js';
import { localProblem } from '../cases/CaseCreatePage.js';
import { moneyProblemText } from '../applications/ApplicationCreatePage.js';

const INTERVENTION_FIELDS = [
  'code',
  'nameSv',
  'nameEn',
  'unit',
  'unitPriceOre',
  'capOre',
  'responsibility',
  'retired',
] as const;
const CODE_PATTERN = /^[a-z][a-z0-9_]{1,59}$/;

/** The approval limit: decisions above it need a second person's approval. Empty turns it off. */
function ApprovalLimit({ limitOre, canManage }: { limitOre: number | null; canManage: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(() => oreToKronorInput(limitOre, decimalSeparator()));
  const [local, setLocal] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (approvalLimitOre: number | null) =>
      api.updateProgrammeSettings({ approvalLimitOre }),
    onSuccess: (reply) => {
      queryClient.setQueryData(programmeKey, reply);
      setSaved(true);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaved(false);
    const parsed = parseKronor(value);
    if (!parsed.ok) {
      save.reset();
      setLocal(moneyProblemText(t, parsed.problem));
      return;
    }
    setLocal(null);
    save.mutate(parsed.ore);
  };
  const errors = fieldErrors(save.error);
  return (
    <Section title={t('web.programme.limit.heading')}>
      <p>
        {limitOre === null ? (
          t('web.programme.limit.off')
        ) : (
          <>
            {t('web.programme.limit.on')} <Money ore={limitOre} />
          </>
        )}
      </p>
      {canManage ? (
        <form className="form" noValidate onSubmit={submit}>
          {saved && !save.isPending ? <Notice>{t('web.common.saved')}</Notice> : null}
          <FormError
            error={local ? localProblem(t('web.cases.checkFields')) : save.error}
            fields={['approvalLimitOre']}
          />
          <TextField
            label={t('web.programme.limit.label')}
            hint={t('web.programme.limit.hint')}
            inputMode="decimal"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={local ?? errors.approvalLimitOre}
          />
          <div className="button-row">
            <button type="submit" disabled={save.isPending}>
              {t('web.programme.limit.save')}
            </button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}

interface InterventionDraft {
  code: string;
  nameSv: string;
  nameEn: string;
  unit: string;
  unitPrice: string;
  cap: string;
  responsibility: string;
  retired: boolean;
}

function draftOf(i: InterventionView | null): InterventionDraft {
  const sep = decimalSeparator();
  return {
    code: i?.code ?? '',
    nameSv: i?.nameSv ?? '',
    nameEn: i?.nameEn ?? '',
    unit: i?.unit ?? 'item',
    unitPrice: oreToKronorInput(i?.unitPriceOre ?? null, sep),
    cap: oreToKronorInput(i?.capOre ?? null, sep),
    responsibility: i?.responsibility ?? 'programme',
    retired: i?.retired ?? false,
  };
}

/** Adds a category to the catalogue, or changes one. */
function InterventionForm({
  editing,
  onDone,
  onCancel,
}: {
  editing: InterventionView | null;
  onDone: (name: string, added: boolean) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const vocab = useProgrammeVocabulary();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(editing));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: ({ code, body }: { code: string; body: InterventionInput }) =>
      api.putIntervention(code, body),
    onSuccess: (reply, { body }) => {
      queryClient.setQueryData(programmeKey, reply);
      onDone(currentLanguage() === 'sv' ? body.nameSv : body.nameEn, !editing);
      setDraft(draftOf(null));
    },
  });
  const errors = { ...fieldErrors(save.error), ...local };
  const hasLocal = Object.keys(local).length > 0;
  const text = (k: Exclude<keyof InterventionDraft, 'retired'>, path: string = k) => ({
    value: draft[k],
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [k]: e.target.value })),
    error: errors[path],
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const code = draft.code.trim();
    if (!editing && !CODE_PATTERN.test(code))
      problems.code = t('web.programme.interventions.codeInvalid');
    const price = parseKronor(draft.unitPrice);
    if (!price.ok) problems.unitPriceOre = moneyProblemText(t, price.problem);
    const cap = parseKronor(draft.cap);
    if (!cap.ok) problems.capOre = moneyProblemText(t, cap.problem);
    if (Object.keys(problems).length > 0 || !price.ok || !cap.ok) {
      save.reset();
      setLocal(problems);
      return;
    }
    setLocal({});
    save.mutate({
      code: editing ? editing.code : code,
      body: {
        nameSv: draft.nameSv,
        nameEn: draft.nameEn,
        unit: draft.unit as InterventionUnit,
        unitPriceOre: price.ore,
        capOre: cap.ore,
        responsibility: draft.responsibility as CostResponsibility,
        retired: draft.retired,
      },
    });
  };
  return (
    <form className="form" noValidate onSubmit={submit}>
      <FormError
        error={hasLocal ? localProblem(t('web.cases.checkFields')) : save.error}
        fields={hasLocal ? [] : INTERVENTION_FIELDS}
      />
      {editing ? (
        <p>
          {t('web.programme.interventions.code')}: <code>{editing.code}</code>
        </p>
      ) : (
        <TextField
          label={t('web.programme.interventions.code')}
          hint={t('web.programme.interventions.codeHint')}
          autoComplete="off"
          spellCheck={false}
          required
          {...text('code')}
        />
      )}
      <TextField
        label={t('web.programme.interventions.nameSv')}
        lang="sv"
        autoComplete="off"
        required
        {...text('nameSv')}
      />
      <TextField
        label={t('web.programme.interventions.nameEn')}
        lang="en"
        autoComplete="off"
        required
        {...text('nameEn')}
      />
      <SelectField
        label={t('web.programme.interventions.unit')}
        options={vocab.unitOptions}
        {...text('unit')}
      />
      <div className="field-pair">
        <TextField
          label={t('web.programme.interventions.unitPrice')}
          hint={t('web.programme.interventions.unitPriceHint')}
          inputMode="decimal"
          autoComplete="off"
          {...text('unitPrice', 'unitPriceOre')}
        />
        <TextField
          label={t('web.programme.interventions.cap')}
          hint={t('web.programme.interventions.capHint')}
          inputMode="decimal"
          autoComplete="off"
          {...text('cap', 'capOre')}
        />
      </div>
      <SelectField
        label={t('web.programme.interventions.responsibility')}
        hint={t('web.programme.interventions.responsibilityHint')}
        options={vocab.responsibilityOptions}
        {...text('responsibility')}
      />
      <CheckboxField
        label={t('web.programme.interventions.retired')}
        hint={t('web.programme.interventions.retiredHint')}
        checked={draft.retired}
        onChange={(e) => setDraft((d) => ({ ...d, retired: e.target.checked }))}
        error={errors.retired}
      />
      <div className="button-row">
        <button type="submit" disabled={save.isPending}>
          {editing ? t('web.common.save') : t('web.programme.interventions.add')}
        </button>
        {editing ? (
          <button type="button" className="button-secondary" onClick={onCancel}>
            {t('web.common.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The programme's settings: the approval limit, the rates and the intervention catalogue. */
export function ProgrammeSettingsPage() {
  const t = useT();
  const session = useSession();
  const vocab = useProgrammeVocabulary();
  const programme = useProgramme();
  const [editing, setEditing] = useState<InterventionView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const canManage = session ? hasPermission(session.user.role, 'programme.manage') : false;
  const p = programme.data;

  return (
    <Page title={t('web.programme.title')}>
      <p className="lead">{t('web.programme.intro')}</p>
      {programme.query.isPending ? <Loading /> : null}
      {programme.query.isError ? (
        <ErrorState error={programme.query.error} onRetry={() => void programme.query.refetch()} />
      ) : null}
      {p ? (
        <>
          <dl className="details">
            <dt>{t('web.programme.name')}</dt>
            <dd>{p.name}</dd>
            <dt>{t('web.programme.codePrefix')}</dt>
            <dd>{t('web.programme.codeExample', { prefix: p.codePrefix })}</dd>
          </dl>
          <ApprovalLimit limitOre={p.approvalLimitOre} canManage={canManage} />
          <Section title={t('web.programme.rates.heading')}>
            <p>{t('web.programme.rates.intro')}</p>
            {p.rateSchedules.length === 0 ? (
              <EmptyState>{t('web.programme.rates.empty')}</EmptyState>
            ) : (
              <TableWrap label={t('web.programme.rates.caption')}>
                <table>
                  <caption>{t('web.programme.rates.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('web.programme.rates.validity')}</th>
                      <th scope="col" className="numeric">
                        {t('web.programme.rates.reflection')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('web.programme.rates.reflectionChild')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('web.programme.rates.protection')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('web.programme.rates.integration')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('web.programme.rates.integrationChild')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.rateSchedules.map((r) => (
                      <tr key={r.id}>
                        <th scope="row" className="nowrap">
                          {formatDate(r.validFrom)} – {r.validTo ? formatDate(r.validTo) : '…'}
                        </th>
                        <td className="numeric">
                          <Money ore={r.reflectionDailyOre} />
                        </td>
                        <td className="numeric">
                          <Money ore={r.reflectionChildDailyOre} />
                        </td>
                        <td className="numeric">
                          <Money ore={r.protectionDailyOre} />
                        </td>
                        <td className="numeric">
                          <Money ore={r.integrationDailyOre} />
                        </td>
                        <td className="numeric">
                          <Money ore={r.integrationChildDailyOre} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </Section>
          <Section title={t('web.programme.interventions.heading')}>
            <Notice>{done}</Notice>
            {p.interventions.length === 0 ? (
              <EmptyState>{t('web.programme.interventions.empty')}</EmptyState>
            ) : (
              <TableWrap label={t('web.programme.interventions.caption')}>
                <table>
                  <caption>{t('web.programme.interventions.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('web.programme.interventions.name')}</th>
                      <th scope="col">{t('web.programme.interventions.unit')}</th>
                      <th scope="col" className="numeric">
                        {t('web.programme.interventions.unitPrice')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('web.programme.interventions.cap')}
                      </th>
                      <th scope="col">{t('web.programme.interventions.responsibility')}</th>
                      <th scope="col">{t('web.programme.interventions.status')}</th>
                      {canManage ? (
                        <th scope="col">
                          <span className="visually-hidden">{t('web.common.actions')}</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {p.interventions.map((i) => (
                      <tr key={i.code}>
                        <th scope="row">
                          {programme.localName(i)}
                          <br />
                          <span className="muted">{i.code}</span>
                        </th>
                        <td>{vocab.unit(i.unit)}</td>
                        <td className="numeric">
                          {i.unitPriceOre !== null ? (
                            <Money ore={i.unitPriceOre} />
                          ) : (
                            t('web.programme.interventions.statedByActor')
                          )}
                        </td>
                        <td className="numeric">
                          {i.capOre !== null ? <Money ore={i.capOre} /> : '–'}
                        </td>
                        <td>{vocab.responsibility(i.responsibility)}</td>
                        <td>
                          {i.retired ? (
                            <span className="badge badge-disabled">
                              {t('web.programme.interventions.retiredBadge')}
                            </span>
                          ) : (
                            <span className="badge badge-active">
                              {t('web.programme.interventions.inUse')}
                            </span>
                          )}
                        </td>
                        {canManage ? (
                          <td>
                            <button
                              type="button"
                              className="button-secondary button-small"
                              aria-label={t('web.programme.interventions.editNamed', {
                                name: programme.localName(i),
                              })}
                              onClick={() => {
                                setDone(null);
                                setEditing(i);
                              }}
                            >
                              {t('web.programme.interventions.edit')}
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            {canManage ? (
              <>
                <h3>
                  {editing
                    ? t('web.programme.interventions.editHeading', {
                        name: programme.localName(editing),
                      })
                    : t('web.programme.interventions.addHeading')}
                </h3>
                <InterventionForm
                  key={editing?.code ?? 'new'}
                  editing={editing}
                  onDone={(name, added) => {
                    setEditing(null);
                    setDone(
                      added
                        ? t('web.programme.interventions.added', { name })
                        : t('web.programme.interventions.saved', { name }),
                    );
                  }}
                  onCancel={() => setEditing(null)}
                />
              </>
            ) : null}
          </Section>
          <Section title={t('web.programme.grounds.heading')}>
            <p>{t('web.programme.grounds.intro')}</p>
            <ul>
              {p.grounds.map((g) => (
                <li key={g.code}>{programme.localName(g)}</li>
              ))}
            </ul>
          </Section>
        </>
      ) : null}
    </Page>
  );
}
