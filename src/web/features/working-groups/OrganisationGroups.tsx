import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, type OrganisationView } from '../../api.js';
import { useVocabulary } from '../../reference.js';
import { Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';

/**
 * The working groups an organisation takes part in (as an organisation, or
 * through one of its contact persons). The list API has no organisation
 * filter, so each group's members are read; the groups are few.
 */
export function OrganisationGroups({ organisation }: { organisation: OrganisationView }) {
  const t = useT();
  const vocab = useVocabulary();
  const groups = useQuery({
    queryKey: ['working-groups', 'list', 'all'],
    queryFn: () => api.workingGroups('all'),
  });
  const details = useQueries({
    queries: (groups.data?.items ?? []).map((g) => ({
      queryKey: ['working-group', g.id],
      queryFn: () => api.workingGroup(g.id),
    })),
  });
  const pending = groups.isPending || details.some((d) => d.isPending);
  const failed = groups.error ?? details.find((d) => d.error)?.error;
  const mine = details
    .map((d) => d.data)
    .filter((g) => g !== undefined)
    .filter(
      (g) =>
        g.organisations.some((o) => o.id === organisation.id) ||
        g.persons.some((p) => p.organisationId === organisation.id) ||
        g.convenorOrganisation?.id === organisation.id,
    );

  return (
    <Section title={t('web.groups.ofOrganisation')}>
      {pending ? <Loading /> : null}
      {failed ? <ErrorState error={failed} onRetry={() => void groups.refetch()} /> : null}
      {!pending && !failed && mine.length === 0 ? (
        <EmptyState>{t('web.groups.noneForOrganisation')}</EmptyState>
      ) : null}
      {!pending && mine.length > 0 ? (
        <ul className="link-list">
          {mine.map((g) => (
            <li key={g.id}>
              <Link to={`/working-groups/${g.id}`}>{g.name}</Link>{' '}
              <span className="muted">({vocab.purpose(g.purpose)})</span>
              {g.convenorOrganisation?.id === organisation.id ? (
                <span className="badge">{t('web.groups.convenor')}</span>
              ) : null}
              {g.closed ? (
                <span className="badge badge-disabled">{t('web.groups.closed')}</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
