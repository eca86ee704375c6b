import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, withQuery, type WhoCanHelpItem } from '../../api.js';
import { isRealCounty, useVocabulary, type County } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { SelectField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { useServices } from '../services/useServices.js';

const FILTERS = ['service', 'county'] as const;

export const whoCanHelpPath = (service: string, county?: string) =>
  withQuery('/who-can-help', { service, county });

/** The county of one's own organisation, when it is a real county (not nationwide or abroad). */
export function useOwnCounty(): { county: County | ''; isPending: boolean } {
  const session = useSession();
  const id = session?.user.organisationId ?? '';
  const own = useQuery({
    queryKey: ['organisation', id],
    queryFn: () => api.organisation(id),
    enabled: id !== '',
  });
  const county = own.data && isRealCounty(own.data.county) ? own.data.county : '';
  return { county, isPending: id !== '' && own.isPending };
}

function ContactDetails({ item }: { item: WhoCanHelpItem }) {
  const t = useT();
  if (!item.publicPhone && !item.publicEmail && !item.website) {
    return <p className="muted">{t('web.whoCanHelp.noContactDetails')}</p>;
  }
  return (
    <dl className="details details-compact">
      {item.publicPhone ? (
        <>
          <dt>{t('web.organisations.fields.publicPhone')}</dt>
          <dd>
            <a href={`tel:${item.publicPhone}`}>{item.publicPhone}</a>
          </dd>
        </>
      ) : null}
      {item.publicEmail ? (
        <>
          <dt>{t('web.organisations.fields.publicEmail')}</dt>
          <dd>
            <a href={`mailto:${item.publicEmail}`}>{item.publicEmail}</a>
          </dd>
        </>
      ) : null}
      {item.website ? (
        <>
          <dt>{t('web.organisations.fields.website')}</dt>
          <dd>
            <a href={item.website} rel="noopener noreferrer" target="_blank">
              {item.website}
            </a>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Result({ item }: { item: WhoCanHelpItem }) {
  const t = useT();
  const vocab = useVocabulary();
  const certifiedOther = !item.certifiedForService && item.certification?.status === 'certified';
  return (
    <li className={item.certifiedForService ? 'result result-certified' : 'result'}>
      <h3>
        <Link to={`/organisations/${item.id}`}>{item.name}</Link>
      </h3>
      <p className="result-badges">
        {item.certifiedForService ? (
          <span className="badge badge-cert-certified">{t('web.whoCanHelp.certifiedFor')}</span>
        ) : null}
        {certifiedOther ? (
          <span className="badge">{t('web.whoCanHelp.certifiedOther')}</span>
        ) : null}
        {item.national ? (
          <span className="badge badge-national">{t('web.whoCanHelp.national')}</span>
        ) : null}
      </p>
      <p className="muted">
        {vocab.orgType(item.type)}
        {' · '}
        {item.municipality ? `${item.municipality}, ` : ''}
        {vocab.county(item.county)}
      </p>
      <ContactDetails item={item} />
    </li>
  );
}

/** Counties as one-click choices for the chosen need; the current one is marked. */
function CountyChoices({
  service,
  current,
  label,
}: {
  service: string;
  current: string;
  label: string;
}) {
  const vocab = useVocabulary();
  return (
    <nav aria-label={label}>
      <ul className="chips">
        {vocab.realCountyOptions.map((c) => (
          <li key={c.value}>
            <Link
              className="chip"
              to={whoCanHelpPath(service, c.value)}
              aria-current={c.value === current ? 'true' : undefined}
            >
              {c.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Needs (the service catalogue) as one-click choices. */
export function NeedChoices({ county, label }: { county?: string; label: string }) {
  const services = useServices();
  if (services.query.isPending) return <Loading />;
  if (services.query.isError) {
    return (
      <ErrorState error={services.query.error} onRetry={() => void services.query.refetch()} />
    );
  }
  return (
    <ul className="need-list" aria-label={label}>
      {services.active.map((s) => (
        <li key={s.code}>
          <Link className="button button-secondary need" to={whoCanHelpPath(s.code, county)}>
            {services.label(s)}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Results({ service, county }: { service: string; county: County }) {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(`${service}|${county}`);
  const results = useQuery({
    queryKey: ['who-can-help', service, county],
    queryFn: () => api.whoCanHelp({ service, county }),
  });

  // After choosing another need or county, focus goes to the new results.
  useEffect(() => {
    const key = `${service}|${county}`;
    if (key === shown.current) return;
    shown.current = key;
    heading.current?.focus();
  }, [service, county]);

  const title = t('web.whoCanHelp.resultsHeading', {
    service: services.name(service),
    county: vocab.county(county),
  });
  const items = results.data?.items ?? [];
  const certified = items.filter((i) => i.certifiedForService).length;
  return (
    <section className="panel" aria-labelledby="who-can-help-results">
      <h2 id="who-can-help-results" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p role="status" className="status-line">
        {results.data ? t('web.whoCanHelp.count', { count: items.length, certified }) : ''}
      </p>
      {results.isPending ? <Loading /> : null}
      {results.isError ? (
        <ErrorState error={results.error} onRetry={() => void results.refetch()} />
      ) : null}
      {results.data && items.length === 0 ? (
        <EmptyState>{t('web.whoCanHelp.none')}</EmptyState>
      ) : null}
      {items.length > 0 ? (
        <ol className="results" aria-label={title}>
          {items.map((item) => (
            <Result key={item.id} item={item} />
          ))}
        </ol>
      ) : null}
      <h3>{t('web.whoCanHelp.otherCounty')}</h3>
      <CountyChoices service={service} current={county} label={t('web.whoCanHelp.otherCounty')} />
    </section>
  );
}

/**
 * "Who can help?": pick a need and a county, and see who offers it there or
 * nationwide, those certified for exactly that need first. From the home
 * page it takes two clicks: the need, then the county (one's own county is
 * chosen already when the organisation belongs to one).
 */
export function WhoCanHelpPage() {
  const t = useT();
  const vocab = useVocabulary();
  const services = useServices();
  const filters = useFilters(FILTERS);
  const own = useOwnCounty();
  const service = filters.applied.service;
  const urlCounty = filters.applied.county;
  const county: County | '' = isRealCounty(urlCounty) ? urlCounty : own.county;
  const countyField = filters.field('county');

  return (
    <Page title={t('web.whoCanHelp.title')}>
      <p className="lead">{t('web.whoCanHelp.intro')}</p>
      <FilterForm label={t('web.whoCanHelp.form')} onApply={filters.apply} onClear={filters.clear}>
        <SelectField
          label={t('web.whoCanHelp.need')}
          options={services.options()}
          emptyLabel={t('web.common.choose')}
          {...filters.field('service')}
        />
        <SelectField
          label={t('web.organisations.fields.county')}
          options={vocab.realCountyOptions}
          emptyLabel={t('web.common.choose')}
          {...countyField}
          value={countyField.value || own.county}
        />
      </FilterForm>

      {!service ? (
        <Section title={t('web.whoCanHelp.chooseNeed')}>
          <NeedChoices county={urlCounty || undefined} label={t('web.whoCanHelp.chooseNeed')} />
        </Section>
      ) : null}
      {service && !county && own.isPending ? <Loading /> : null}
      {service && !county && !own.isPending ? (
        <Section title={t('web.whoCanHelp.chooseCounty', { service: services.name(service) })}>
          <CountyChoices service={service} current="" label={t('web.whoCanHelp.counties')} />
        </Section>
      ) : null}
      {service && county ? <Results service={service} county={county} /> : null}
    </Page>
  );
}
