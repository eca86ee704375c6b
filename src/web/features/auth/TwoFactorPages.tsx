import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ApiError, type RecoveryCodesReply } from '../../api.js';
import { formValue } from '../../reference.js';
import { endSession, startSession, useSession } from '../../session.js';
import { Page } from '../../components/Page.js';
import { FormError, Info } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';
import { destinationFor, readAuthState } from './guards.js';
import { TotpEnrolment } from './TotpEnrolment.js';
import { RecoveryCodes } from './RecoveryCodes.js';

/** Leaves a half-finished sign-in, e.g. to sign in as someone else. */
function CancelSignIn() {
  const t = useT();
  const cancel = useMutation({
    mutationFn: () => api.signOut(),
    onSuccess: () => endSession(undefined),
    onError: (err) => {
      if (err instanceof ApiError && err.status === 401) endSession(undefined);
    },
  });
  return (
    <>
      <FormError error={cancel.isError ? cancel.error : null} />
      <p>
        <button
          type="button"
          className="button-link"
          onClick={() => cancel.mutate()}
          disabled={cancel.isPending}
        >
          {t('web.auth.twoFactor.cancel')}
        </button>
      </p>
    </>
  );
}

/** Second step of sign-in: a code from the authenticator app, or a recovery code. */
export function TwoFactorPage() {
  const t = useT();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { from } = readAuthState(location.state);
  const [recovery, setRecovery] = useState(false);

  const verify = useMutation({
    mutationFn: api.secondFactor,
    onSuccess: (info) => {
      startSession(info);
      void navigate(destinationFor(info, from), { replace: true });
    },
  });
  const errors = fieldErrors(verify.error);

  if (!session) return <Navigate to="/sign-in" replace />;
  if (session.stage !== 'mfa' && !verify.isSuccess)
    return <Navigate to={destinationFor(session, from)} replace />;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    verify.mutate(
      recovery
        ? { recoveryCode: formValue(data, 'recoveryCode') }
        : { code: formValue(data, 'code').replace(/\s+/g, '') },
    );
  };

  const switchMethod = () => {
    verify.reset();
    setRecovery((r) => !r);
  };

  return (
    <Page title={t('web.auth.twoFactor.title')} narrow>
      <p className="lead">
        {recovery ? t('web.auth.twoFactor.recoveryIntro') : t('web.auth.twoFactor.intro')}
      </p>
      <form className="form" noValidate onSubmit={submit} key={recovery ? 'recovery' : 'code'}>
        <FormError error={verify.error} fields={['code', 'recoveryCode']} />
        {recovery ? (
          <TextField
            label={t('web.auth.twoFactor.recoveryCode')}
            hint={t('web.auth.twoFactor.recoveryHint')}
            name="recoveryCode"
            autoComplete="off"
            spellCheck={false}
            required
            error={errors.recoveryCode ?? errors.code}
          />
        ) : (
          <TextField
            label={t('web.auth.twoFactor.code')}
            hint={t('web.auth.twoFactor.codeHint')}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            className="field-short"
            error={errors.code}
          />
        )}
        <div className="button-row">
          <button type="submit" disabled={verify.isPending}>
            {t('web.auth.twoFactor.submit')}
          </button>
        </div>
      </form>
      <p>
        <button type="button" className="button-link" onClick={switchMethod}>
          {recovery ? t('web.auth.twoFactor.useCode') : t('web.auth.twoFactor.useRecovery')}
        </button>
      </p>
      <CancelSignIn />
    </Page>
  );
}

/** Required set-up of two-factor sign-in (administrators and coordinators), then the recovery codes. */
export function EnrolPage() {
  const t = useT();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { from } = readAuthState(location.state);
  const [enrolled, setEnrolled] = useState<RecoveryCodesReply | null>(null);

  if (enrolled) {
    return (
      <Page key="codes" title={t('web.auth.recovery.title')} narrow>
        <RecoveryCodes
          codes={enrolled.recoveryCodes}
          onContinue={() => {
            startSession(enrolled.session);
            void navigate(destinationFor(enrolled.session, from), { replace: true });
          }}
        />
      </Page>
    );
  }
  if (!session) return <Navigate to="/sign-in" replace />;
  if (session.stage !== 'enrol') return <Navigate to={destinationFor(session, from)} replace />;

  return (
    <Page key="enrol" title={t('web.auth.enrol.title')} narrow>
      <Info>
        <p>{t('web.auth.enrol.required')}</p>
      </Info>
      <TotpEnrolment onEnrolled={setEnrolled} />
      <CancelSignIn />
    </Page>
  );
}
