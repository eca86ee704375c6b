import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, type RecoveryCodesReply, type SessionInfo } from '../../api.js';
import { chooseLanguage, isLanguage, useT } from '../../i18n.js';
import { formSecret, formValue, useVocabulary } from '../../reference.js';
import { endSession, updateSession, useSession } from '../../session.js';
import { Page, Section } from '../../components/Page.js';
import { FormError, Info, Notice } from '../../components/Alerts.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { fieldErrors, SelectField, TextField } from '../../components/Fields.js';
import { TotpEnrolment } from '../auth/TotpEnrolment.js';
import { RecoveryCodes } from '../auth/RecoveryCodes.js';

function DetailsSection({ session }: { session: SessionInfo }) {
  const t = useT();
  const vocab = useVocabulary();
  const save = useMutation({
    mutationFn: api.updateMe,
    onSuccess: (info) => {
      updateSession(info);
      void chooseLanguage(info.user.locale);
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const locale = formValue(data, 'locale');
    save.mutate({ name: formValue(data, 'name'), ...(isLanguage(locale) ? { locale } : {}) });
  };
  const u = session.user;
  return (
    <Section title={t('web.profile.details.heading')}>
      <dl className="details">
        <dt>{t('web.profile.details.email')}</dt>
        <dd>{u.email}</dd>
        <dt>{t('web.profile.details.organisation')}</dt>
        <dd>{u.organisationName}</dd>
        <dt>{t('web.profile.details.role')}</dt>
        <dd>{vocab.role(u.role)}</dd>
      </dl>
      {save.isSuccess ? <Notice>{t('web.common.saved')}</Notice> : null}
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={save.error} fields={['name', 'locale']} />
        <TextField
          label={t('web.profile.details.name')}
          name="name"
          autoComplete="name"
          defaultValue={u.name}
          required
          error={errors.name}
        />
        <SelectField
          label={t('web.profile.details.language')}
          hint={t('web.profile.details.languageHint')}
          name="locale"
          options={vocab.localeOptions}
          defaultValue={u.locale}
          key={u.locale}
          error={errors.locale}
        />
        <div className="button-row">
          <button type="submit" disabled={save.isPending}>
            {t('web.common.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const t = useT();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({ mutationFn: api.changePassword });
  const errors = fieldErrors(change.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const newPassword = formSecret(data, 'newPassword');
    const same = newPassword === formSecret(data, 'repeat');
    setMismatch(!same);
    if (!same) return;
    change.mutate(
      { currentPassword: formSecret(data, 'currentPassword'), newPassword },
      { onSuccess: () => form.reset() },
    );
  };
  return (
    <Section title={t('web.profile.password.heading')}>
      {change.isSuccess ? <Notice>{t('web.profile.password.changed')}</Notice> : null}
      <form className="form" noValidate onSubmit={submit}>
        <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
        <TextField
          label={t('web.profile.password.current')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={errors.currentPassword}
        />
        <TextField
          label={t('web.profile.password.new')}
          hint={t('web.auth.passwordRules')}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          error={errors.newPassword}
        />
        <TextField
          label={t('web.profile.password.repeat')}
          name="repeat"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? t('web.auth.setPassword.mismatch') : undefined}
        />
        <div className="button-row">
          <button type="submit" disabled={change.isPending}>
            {t('web.profile.password.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}

type PasswordAction = 'regenerate' | 'disable';

/** Two-factor: turn on (set-up and codes), new recovery codes, turn off (where the role allows). */
function TwoFactorSection({ session }: { session: SessionInfo }) {
  const t = useT();
  const [enrolling, setEnrolling] = useState(false);
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [pendingSession, setPendingSession] = useState<SessionInfo | null>(null);
  const [confirming, setConfirming] = useState<PasswordAction | null>(null);
  const [password, setPassword] = useState('');
  const [turnedOff, setTurnedOff] = useState(false);

  const act = useMutation({
    mutationFn: async (action: PasswordAction) =>
      action === 'regenerate'
        ? (await api.regenerateRecoveryCodes(password)).recoveryCodes
        : (await api.totpDisable(password), null),
    onSuccess: (result, action) => {
      setConfirming(null);
      setPassword('');
      if (action === 'regenerate' && result) setCodes(result);
      if (action === 'disable') {
        setTurnedOff(true);
        updateSession({ ...session, user: { ...session.user, totpEnabled: false } });
      }
    },
  });
  const errors = fieldErrors(act.error);

  const enrolled = (reply: RecoveryCodesReply) => {
    setEnrolling(false);
    setCodes(reply.recoveryCodes);
    setPendingSession(reply.session);
  };

  const finishCodes = () => {
    setCodes(null);
    if (pendingSession) updateSession(pendingSession);
    setPendingSession(null);
  };

  const open = (action: PasswordAction) => {
    act.reset();
    setPassword('');
    setTurnedOff(false);
    setConfirming(action);
  };

  const u = session.user;
  return (
    <Section title={t('web.profile.twoFactor.heading')}>
      {codes ? (
        <RecoveryCodes codes={codes} onContinue={finishCodes} />
      ) : enrolling ? (
        <>
          <TotpEnrolment onEnrolled={enrolled} />
          <p>
            <button type="button" className="button-secondary" onClick={() => setEnrolling(false)}>
              {t('web.common.cancel')}
            </button>
          </p>
        </>
      ) : (
        <>
          {turnedOff ? <Notice>{t('web.profile.twoFactor.turnedOff')}</Notice> : null}
          <p>{u.totpEnabled ? t('web.profile.twoFactor.on') : t('web.profile.twoFactor.off')}</p>
          {u.mfaRequired ? (
            <Info>
              <p>{t('web.profile.twoFactor.required')}</p>
            </Info>
          ) : null}
          <div className="button-row">
            {u.totpEnabled ? (
              <>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => open('regenerate')}
                >
                  {t('web.profile.twoFactor.regenerate')}
                </button>
                {u.mfaRequired ? null : (
                  <button
                    type="button"
                    className="button-danger-outline"
                    onClick={() => open('disable')}
                  >
                    {t('web.profile.twoFactor.disable')}
                  </button>
                )}
              </>
            ) : (
              <button type="button" onClick={() => setEnrolling(true)}>
                {t('web.profile.twoFactor.turnOn')}
              </button>
            )}
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? t(`web.profile.twoFactor.${confirming}Title`) : ''}
        confirmLabel={confirming ? t(`web.profile.twoFactor.${confirming}Confirm`) : ''}
        busy={act.isPending}
        error={act.error}
        fields={['currentPassword']}
        onConfirm={() => {
          if (confirming) act.mutate(confirming);
        }}
        onCancel={() => {
          setConfirming(null);
          act.reset();
        }}
      >
        {confirming ? <p>{t(`web.profile.twoFactor.${confirming}Body`)}</p> : null}
        <TextField
          label={t('web.profile.password.current')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          data-autofocus
          error={errors.currentPassword}
        />
      </ConfirmDialog>
    </Section>
  );
}

function SessionsSection() {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const signOut = useMutation({
    mutationFn: () => api.signOut(true),
    onSuccess: () => endSession('signedOutEverywhere'),
  });
  return (
    <Section title={t('web.profile.sessions.heading')}>
      <p>{t('web.profile.sessions.intro')}</p>
      <div className="button-row">
        <button type="button" className="button-danger-outline" onClick={() => setConfirming(true)}>
          {t('web.profile.sessions.signOutEverywhere')}
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('web.profile.sessions.confirmTitle')}
        confirmLabel={t('web.profile.sessions.signOutEverywhere')}
        busy={signOut.isPending}
        error={signOut.error}
        onConfirm={() => signOut.mutate()}
        onCancel={() => {
          setConfirming(false);
          signOut.reset();
        }}
      >
        <p>{t('web.profile.sessions.confirmBody')}</p>
      </ConfirmDialog>
    </Section>
  );
}

export function ProfilePage() {
  const t = useT();
  const session = useSession();
  if (!session) return null;
  return (
    <Page title={t('web.profile.title')}>
      <div className="columns">
        <div>
          <DetailsSection session={session} />
          <SessionsSection />
        </div>
        <div>
          <TwoFactorSection session={session} />
          <PasswordSection />
        </div>
      </div>
    </Page>
  );
}
