import { Link } from 'react-router';
import { useT } from '../../i18n.js';
import type { ContactView } from '../../api.js';
import { formatDate, isCounty, useVocabulary } from '../../reference.js';
import { TableWrap } from '../../components/TableWrap.js';

/** When a person is in office: "from – to", or just active / not active. */
export function ActivePeriod({ contact }: { contact: ContactView }) {
  const t = useT();
  const period =
    contact.activeFrom || contact.activeTo
      ? `${contact.activeFrom ? formatDate(contact.activeFrom) : '…'} – ${
          contact.activeTo ? formatDate(contact.activeTo) : '…'
        }`
      : null;
  return (
    <>
      <span className={contact.active ? 'badge badge-active' : 'badge badge-disabled'}>
        {contact.active ? t('web.contacts.active') : t('web.contacts.inactive')}
      </span>
      {period ? (
        <>
          <br />
          <span className="muted nowrap">{period}</span>
        </>
      ) : null}
    </>
  );
}

/** Contact persons as a table; the organisation column is left out on an organisation's own page. */
export function ContactsTable({
  items,
  caption,
  withOrganisation,
}: {
  items: ContactView[];
  caption: string;
  withOrganisation: boolean;
}) {
  const t = useT();
  const vocab = useVocabulary();
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.contacts.fields.name')}</th>
            {withOrganisation ? <th scope="col">{t('web.contacts.fields.organisation')}</th> : null}
            <th scope="col">{t('web.contacts.fields.roles')}</th>
            <th scope="col">{t('web.contacts.fields.email')}</th>
            <th scope="col">{t('web.contacts.fields.phone')}</th>
            <th scope="col">{t('web.contacts.fields.period')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/contacts/${c.id}`}>{c.name}</Link>
                {c.title ? (
                  <>
                    <br />
                    <span className="muted">{c.title}</span>
                  </>
                ) : null}
              </td>
              {withOrganisation ? (
                <td>
                  <Link to={`/organisations/${c.organisationId}`}>{c.organisationName}</Link>
                  <br />
                  <span className="muted">
                    {isCounty(c.county) ? vocab.county(c.county) : c.county}
                  </span>
                </td>
              ) : null}
              <td>{c.roles.map(vocab.contactRole).join(', ') || '–'}</td>
              <td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '–'}</td>
              <td className="nowrap">{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : '–'}</td>
              <td>
                <ActivePeriod contact={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
