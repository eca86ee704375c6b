import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../../api.js';
import { formSecret } from '../../reference.js';
import { endSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { FormError, Info } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';
import type { AuthState } from './guards.js';

/** The token of an e-mailed link travels in the fragment (#token=…), never to a server log. */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** Choosing a password from an invitation (/welcome) or a reset link (/reset-password). */
export function SetPasswordPage({ kind }: { kind: 'welcome' | 'reset' }) {
  const t = useT();
  const navigate = useNavigate();
  const [token] = useState(tokenFromHash);
  const [mismatch, setMismatch] = useState(false);

  // Take the token out of the address bar and history once it has been read.
  useEffect(() => {
    if (window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, []);

  const setPassword = useMutation({
    mutationFn: api.completePasswordLink,
    onSuccess: () => {
      // Setting a password ends every session of the account; the person signs in anew.
      endSession(undefined);
      const state: AuthState = { notice: 'passwordSet' };
      void navigate('/sign-in', { replace: true, state });
    },
  });
  const errors = fieldErrors(setPassword.error);
  const title =
    kind === 'welcome'
      ? t('web.auth.setPassword.welcomeTitle')
      : t('web.auth.setPassword.resetTitle');

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const password = formSecret(data, 'password');
    const same = password === formSecret(data, 'repeat');
    setMismatch(!same);
    if (same) setPassword.mutate({ token, password });
  };

  if (!token) {
    return (
      <Page title={title} narrow>
        <Info>
          <p>{t('web.auth.setPassword.missingToken')}</p>
        </Info>
        <p>
          <Link to="/forgot-password">{t('web.auth.setPassword.requestNew')}</Link>
        </p>
      </Page>
    );
  }

  return (
    <Page title={title} narrow>
      <p className="lead">
        {kind === 'welcome'
          ? t('web.auth.setPassword.welcomeIntro')
          : t('web.auth.setPassword.resetIntro')}
      </p>
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={setPassword.error} fields={['password']} />
        <TextField
          label={t('web.auth.setPassword.password')}
          hint={t('web.auth.passwordRules')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <TextField
          label={t('web.auth.setPassword.repeat')}
          name="repeat"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? t('web.auth.setPassword.mismatch') : undefined}
        />
        <div className="button-row">
          <button type="submit" disabled={setPassword.isPending}>
            {t('web.auth.setPassword.submit')}
          </button>
        </div>
      </form>
      {setPassword.error instanceof ApiError && setPassword.error.code === 'invalid_token' ? (
        <p>
          <Link to="/forgot-password">{t('web.auth.setPassword.requestNew')}</Link>
        </p>
      ) : null}
    </Page>
  );
}
