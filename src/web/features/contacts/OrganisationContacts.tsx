import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import { api, type OrganisationView } from '../../api.js';
import { Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading } from '../../components/Alerts.js';
import { ContactsTable } from './ContactsTable.js';

/** The contact persons of one organisation, on its page. */
export function OrganisationContacts({
  organisation,
  canEdit,
}: {
  organisation: OrganisationView;
  canEdit: boolean;
}) {
  const t = useT();
  const query = { organisationId: organisation.id, limit: 500 };
  const contacts = useQuery({
    queryKey: ['contacts', 'list', query],
    queryFn: () => api.contacts(query),
  });
  return (
    <Section title={t('web.contacts.heading')}>
      {canEdit ? (
        <p>
          <Link
            className="button button-secondary"
            to={`/contacts/new?organisationId=${organisation.id}`}
          >
            {t('web.contacts.add')}
          </Link>
        </p>
      ) : null}
      {contacts.isPending ? <Loading /> : null}
      {contacts.isError ? (
        <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : null}
      {contacts.data && contacts.data.items.length === 0 ? (
        <EmptyState>{t('web.contacts.emptyOrganisation')}</EmptyState>
      ) : null}
      {contacts.data && contacts.data.items.length > 0 ? (
        <ContactsTable
          items={contacts.data.items}
          caption={t('web.contacts.captionOf', { name: organisation.name })}
          withOrganisation={false}
        />
      ) : null}
    </Section>
  );
}
