import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { formValue } from '../../reference.js';
import { Page } from '../../components/Page.js';
import { FormError, Notice } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const t = useT();
  const request = useMutation({ mutationFn: api.requestPasswordReset });
  const errors = fieldErrors(request.error);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    request.mutate(formValue(new FormData(e.currentTarget), 'email'));
  };

  return (
    <Page title={t('web.auth.forgot.title')} narrow>
      {request.isSuccess ? (
        <Notice>
          <p>{t('web.auth.forgot.sent')}</p>
        </Notice>
      ) : (
        <>
          <p className="lead">{t('web.auth.forgot.intro')}</p>
          <form className="form" noValidate onSubmit={submit}>
            <FormError error={request.error} fields={['email']} />
            <TextField
              label={t('web.auth.email')}
              name="email"
              type="email"
              autoComplete="username"
              required
              error={errors.email}
            />
            <div className="button-row">
              <button type="submit" disabled={request.isPending}>
                {t('web.auth.forgot.submit')}
              </button>
            </div>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">{t('web.auth.backToSignIn')}</Link>
      </p>
    </Page>
  );
}
