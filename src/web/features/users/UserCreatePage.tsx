import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.js';
import { Page } from '../../components/Page.js';
import { UserForm } from './UserForm.js';

export function UserCreatePage() {
  const t = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const create = useMutation({
    mutationFn: api.createUser,
    onSuccess: (user) => {
      queryClient.setQueryData(['user', user.id], user);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      void queryClient.invalidateQueries({ queryKey: ['home'] });
      void navigate(`/admin/users/${user.id}`, { state: { notice: 'created' } });
    },
  });
  return (
    <Page title={t('web.users.create.title')}>
      <p className="lead">{t('web.users.create.intro')}</p>
      <UserForm
        defaultOrganisationId={params.get('organisationId') ?? undefined}
        submitLabel={t('web.users.create.submit')}
        pending={create.isPending}
        error={create.error}
        onSubmit={(v) => create.mutate(v)}
      />
      <p>
        <Link to="/admin/users">{t('web.users.backToList')}</Link>
      </p>
    </Page>
  );
}
