import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { QRCodeSVG } from 'qrcode.react';
import { api, type RecoveryCodesReply } from '../../api.js';
import { formValue } from '../../reference.js';
import { queryClient } from '../../session.js';
import { ErrorState, FormError, Loading } from '../../components/Alerts.js';
import { fieldErrors, TextField } from '../../components/Fields.js';

const setupKey = ['totp-setup'] as const;

/** The key in groups of four, as authenticator apps show it. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Setting up an authenticator app: scan the QR code (or type the key), then
 * confirm with a code from the app. The key is fetched once per visit.
 */
export function TotpEnrolment({ onEnrolled }: { onEnrolled: (reply: RecoveryCodesReply) => void }) {
  const t = useT();
  const setup = useQuery({
    queryKey: setupKey,
    queryFn: api.totpSetup,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const confirm = useMutation({
    mutationFn: api.totpConfirm,
    onSuccess: (reply) => {
      queryClient.removeQueries({ queryKey: setupKey });
      onEnrolled(reply);
    },
  });
  const errors = fieldErrors(confirm.error);

  if (setup.isPending) return <Loading />;
  if (setup.isError) return <ErrorState error={setup.error} onRetry={() => void setup.refetch()} />;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    confirm.mutate(formValue(new FormData(e.currentTarget), 'code').replace(/\s+/g, ''));
  };

  return (
    <ol className="steps">
      <li>
        <h2>{t('web.auth.enrol.step1Title')}</h2>
        <p>{t('web.auth.enrol.step1')}</p>
      </li>
      <li>
        <h2>{t('web.auth.enrol.step2Title')}</h2>
        <p>{t('web.auth.enrol.step2')}</p>
        <div className="qr">
          <QRCodeSVG
            value={setup.data.uri}
            size={200}
            marginSize={4}
            title={t('web.auth.enrol.qrTitle')}
          />
        </div>
        <p>{t('web.auth.enrol.manual')}</p>
        <p>
          <code className="secret" id="totp-secret">
            {grouped(setup.data.secret)}
          </code>
        </p>
      </li>
      <li>
        <h2>{t('web.auth.enrol.step3Title')}</h2>
        <form className="form" noValidate onSubmit={submit}>
          <FormError error={confirm.error} fields={['code']} />
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
          <div className="button-row">
            <button type="submit" disabled={confirm.isPending}>
              {t('web.auth.enrol.submit')}
            </button>
          </div>
        </form>
      </li>
    </ol>
  );
}
