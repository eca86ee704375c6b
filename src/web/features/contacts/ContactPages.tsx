import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useT } from '../../i18n.js';
import { api, downloads, type ContactInput } from '../../api.js';
import { formatDateTime, hasPermission, isCounty, useVocabulary } from '../../reference.js';
import { useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { EmptyState, ErrorState, Loading, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { FilterForm, useFilters } from '../../components/Filters.js';
import { Pagination } from '../../components/Pagination.js';
import { ExportLinks } from '../../components/ExportLinks.js';
import { useOrganisationOptions } from '../organisations/useOrganisationOptions.js';
import { mayEditOrganisation, worksAcrossOrganisations } from '../organisations/access.js';
import { ActivePeriod, ContactsTable } from './ContactsTable.js';
import { ContactForm } from './ContactForm.js';

const PAGE_SIZE = 50;
const FILTERS = ['q', 'county', 'role', 'activeOnly'] as const;

function invalidateContacts(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: ['contacts'] });
  void queryClient.invalidateQueries({ queryKey: ['organisations'] });
  void queryClient.invalidateQueries({ queryKey: ['organisation'] });
}

/** Contact persons of the whole partnership: searchable, exportable. */
export function ContactsListPage() {
  const t = useT();
  const session = useSession();
  const vocab = useVocabulary();
  const filters = useFilters(FILTERS);
  const offset = Math.max(0, Number(filters.params.get('offset')) || 0);
  const query = { ...filters.applied, offset, limit: PAGE_SIZE };
  const contacts = useQuery({
    queryKey: ['contacts', 'list', query],
    queryFn: () => api.contacts(query),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrors(contacts.error);
  const canEdit = session ? hasPermission(session.user.role, 'organisations.edit') : false;

  return (
    <Page
      title={t('web.contacts.title')}
      actions={
        canEdit ? (
          <Link className="button" to="/contacts/new">
            {t('web.contacts.new')}
          </Link>
        ) : null
      }
    >
      <p className="lead">{t('web.contacts.intro')}</p>
      <FilterForm label={t('web.contacts.filters')} onApply={filters.apply} onClear={filters.clear}>
        <TextField
          label={t('web.contacts.search')}
          type="search"
          error={errors.q}
          {...filters.field('q')}
        />
        <SelectField
          label={t('web.organisations.fields.county')}
          options={vocab.countyOptions}
          emptyLabel={t('web.common.all')}
          error={errors.county}
          {...filters.field('county')}
        />
        <SelectField
          label={t('web.contacts.fields.role')}
          options={vocab.contactRoleOptions}
          emptyLabel={t('web.common.all')}
          error={errors.role}
          {...filters.field('role')}
        />
        <SelectField
          label={t('web.contacts.fields.activeOnly')}
          options={[{ value: 'true', label: t('web.contacts.onlyActive') }]}
          emptyLabel={t('web.contacts.allPeriods')}
          error={errors.activeOnly}
          {...filters.field('activeOnly')}
        />
      </FilterForm>

      <ExportLinks
        label={t('web.contacts.export')}
        href={(format) => downloads.exportContacts(format, filters.applied)}
      />

      {contacts.isPending ? <Loading /> : null}
      {contacts.isError ? (
        <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : null}
      {contacts.data && contacts.data.items.length === 0 ? (
        <EmptyState>
          {filters.active ? t('web.contacts.emptyFiltered') : t('web.contacts.empty')}
        </EmptyState>
      ) : null}
      {contacts.data && contacts.data.items.length > 0 ? (
        <>
          <ContactsTable
            items={contacts.data.items}
            caption={t('web.contacts.caption', { count: contacts.data.total })}
            withOrganisation
          />
          <Pagination
            total={contacts.data.total}
            offset={offset}
            limit={PAGE_SIZE}
            onChange={(o) => filters.setPage('offset', o ? String(o) : undefined)}
          />
        </>
      ) : null}
    </Page>
  );
}

/** A new contact person: in any organisation (coordinator, administrators) or in one's own. */
export function ContactCreatePage() {
  const t = useT();
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const all = useOrganisationOptions();
  const create = useMutation({
    mutationFn: api.createContact,
    onSuccess: (c) => {
      queryClient.setQueryData(['contact', c.id], c);
      invalidateContacts(queryClient);
      void navigate(`/contacts/${c.id}`, { state: { notice: 'created' } });
    },
  });
  if (!session) return null;
  const across = worksAcrossOrganisations(session);
  const own = session.user.organisationId;
  const options = across ? all.options : all.options.filter((o) => o.value === own);
  const wanted = params.get('organisationId') ?? undefined;
  const defaultOrganisationId = across ? wanted : own;
  return (
    <Page title={t('web.contacts.create.title')}>
      <ContactForm
        organisations={options}
        defaultOrganisationId={defaultOrganisationId}
        submitLabel={t('web.contacts.create.submit')}
        pending={create.isPending}
        error={create.error}
        onSubmit={(v) => create.mutate(v)}
      />
      <p>
        {wanted ? (
          <Link to={`/organisations/${wanted}`}>{t('web.organisations.backToOrganisation')}</Link>
        ) : (
          <Link to="/contacts">{t('web.contacts.backToList')}</Link>
        )}
      </p>
    </Page>
  );
}

function createdNotice(state: unknown): boolean {
  return (
    typeof state === 'object' && state !== null && 'notice' in state && state.notice === 'created'
  );
}

/** One contact person: details for everyone; the form and removal for those who may edit. */
export function ContactPage() {
  const t = useT();
  const { id = '' } = useParams();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const vocab = useVocabulary();
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const contact = useQuery({ queryKey: ['contact', id], queryFn: () => api.contact(id) });
  const update = useMutation({
    mutationFn: (v: ContactInput) => {
      const { organisationId: _organisationId, ...body } = v;
      return api.updateContact(id, body);
    },
    onSuccess: (c) => {
      queryClient.setQueryData(['contact', id], c);
      invalidateContacts(queryClient);
      setSaved(true);
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deleteContact(id),
    onSuccess: () => {
      const organisationId = contact.data?.organisationId;
      queryClient.removeQueries({ queryKey: ['contact', id] });
      invalidateContacts(queryClient);
      void navigate(organisationId ? `/organisations/${organisationId}` : '/contacts', {
        state: { notice: 'contactRemoved' },
      });
    },
  });
  if (!session) return null;
  const c = contact.data;
  const canEdit = c ? mayEditOrganisation(session, c.organisationId) : false;

  return (
    <Page
      title={c ? c.name : t('web.contacts.edit.title')}
      actions={
        canEdit ? (
          <button
            type="button"
            className="button-danger-outline"
            onClick={() => {
              remove.reset();
              setConfirming(true);
            }}
          >
            {t('web.contacts.remove.button')}
          </button>
        ) : null
      }
    >
      <p>
        <Link to="/contacts">{t('web.contacts.backToList')}</Link>
      </p>
      {createdNotice(location.state) && !saved ? (
        <Notice>{t('web.contacts.create.created')}</Notice>
      ) : null}
      {contact.isPending ? <Loading /> : null}
      {contact.isError ? (
        <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
      ) : null}
      {c ? (
        <div className="columns">
          <Section title={t('web.contacts.details')}>
            <dl className="details">
              <dt>{t('web.contacts.fields.organisation')}</dt>
              <dd>
                <Link to={`/organisations/${c.organisationId}`}>{c.organisationName}</Link>
              </dd>
              <dt>{t('web.organisations.fields.county')}</dt>
              <dd>{isCounty(c.county) ? vocab.county(c.county) : c.county}</dd>
              <dt>{t('web.contacts.fields.title')}</dt>
              <dd>{c.title ?? '–'}</dd>
              <dt>{t('web.contacts.fields.roles')}</dt>
              <dd>{c.roles.map(vocab.contactRole).join(', ') || '–'}</dd>
              <dt>{t('web.contacts.fields.email')}</dt>
              <dd>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '–'}</dd>
              <dt>{t('web.contacts.fields.phone')}</dt>
              <dd>{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : '–'}</dd>
              <dt>{t('web.contacts.fields.period')}</dt>
              <dd>
                <ActivePeriod contact={c} />
              </dd>
              <dt>{t('web.contacts.fields.public')}</dt>
              <dd>{c.public ? t('web.common.yes') : t('web.common.no')}</dd>
              <dt>{t('web.organisations.fields.updatedAt')}</dt>
              <dd>{formatDateTime(c.updatedAt)}</dd>
            </dl>
          </Section>
          {canEdit ? (
            <Section title={t('web.contacts.edit.heading')}>
              {saved ? <Notice>{t('web.common.saved')}</Notice> : null}
              <ContactForm
                key={c.updatedAt}
                contact={c}
                submitLabel={t('web.common.save')}
                pending={update.isPending}
                error={update.error}
                onSubmit={(v) => {
                  setSaved(false);
                  update.mutate(v);
                }}
              />
            </Section>
          ) : null}
        </div>
      ) : null}
      {c ? (
        <ConfirmDialog
          open={confirming}
          title={t('web.contacts.remove.confirmTitle', { name: c.name })}
          confirmLabel={t('web.contacts.remove.button')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate()}
          onCancel={() => {
            setConfirming(false);
            remove.reset();
          }}
        >
          <p>
            {t('web.contacts.remove.confirmBody', {
              name: c.name,
              organisation: c.organisationName,
            })}
          </p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}
