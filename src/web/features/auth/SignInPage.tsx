import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../../api.js';
import { formSecret, formValue } from '../../reference.js';
import { startSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { FormError, Notice } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';
import { destinationFor, readAuthState } from './guards.js';

export function SignInPage() {
  const t = useT();
  const location = useLocation();
  const navigate = useNavigate();
  const { from, notice } = readAuthState(location.state);

  const signIn = useMutation({
    mutationFn: api.signIn,
    onSuccess: (info) => {
      startSession(info);
      void navigate(destinationFor(info, from), { replace: true, state: from ? { from } : null });
    },
  });
  const errors = fieldErrors(signIn.error);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    signIn.mutate({ email: formValue(data, 'email'), password: formSecret(data, 'password') });
  };

  return (
    <Page title={t('web.auth.signIn.title')} narrow>
      <p className="lead">{t('web.auth.signIn.intro')}</p>
      {notice && !signIn.error ? <Notice>{t(`web.auth.notices.${notice}`)}</Notice> : null}
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={signIn.error} fields={['email', 'password']} />
        <TextField
          label={t('web.auth.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          error={errors.email}
        />
        <TextField
          label={t('web.auth.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <div className="button-row">
          <button type="submit" disabled={signIn.isPending}>
            {signIn.isPending ? t('web.auth.signIn.submitting') : t('web.auth.signIn.submit')}
          </button>
        </div>
      </form>
      <p>
        <Link to="/forgot-password">{t('web.auth.signIn.forgot')}</Link>
      </p>
    </Page>
  );
}
