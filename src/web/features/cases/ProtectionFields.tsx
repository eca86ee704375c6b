import { useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n.js';
import { api } from '../../api.js';
import { CheckboxField, CheckboxGroup } from '../../components/Fields.js';
import { ErrorState, Loading } from '../../components/Alerts.js';

export const PROTECTION_FIELDS = ['protectedIdentity', 'protectedStaffUserIds'] as const;

/**
 * Protected identity: only the named staff of the owning organisation (and
 * whoever created the case) may open it.
 */
export function ProtectionFields({
  protectedIdentity,
  staff,
  onProtectedChange,
  onStaffChange,
  errors,
  extraStaff = [],
}: {
  protectedIdentity: boolean;
  staff: string[];
  onProtectedChange: (v: boolean) => void;
  onStaffChange: (v: string[]) => void;
  errors: Record<string, string>;
  /** Staff already named on the case (kept as choices even if they left the staff list). */
  extraStaff?: Array<{ id: string; name: string }>;
}) {
  const t = useT();
  const people = useQuery({
    queryKey: ['case-staff'],
    queryFn: api.caseStaff,
    enabled: protectedIdentity,
  });
  const known = people.data?.items ?? [];
  const options = [...known, ...extraStaff.filter((s) => !known.some((k) => k.id === s.id))].map(
    (s) => ({ value: s.id, label: s.name }),
  );
  return (
    <>
      <CheckboxField
        label={t('web.cases.protection.protectedIdentity')}
        hint={t('web.cases.protection.protectedHint')}
        checked={protectedIdentity}
        onChange={(e) => onProtectedChange(e.target.checked)}
        error={errors.protectedIdentity}
      />
      {protectedIdentity ? (
        <>
          {people.isPending ? <Loading /> : null}
          {people.isError ? (
            <ErrorState error={people.error} onRetry={() => void people.refetch()} />
          ) : null}
          {people.data ? (
            <CheckboxGroup
              legend={t('web.cases.protection.staff')}
              hint={t('web.cases.protection.staffHint')}
              options={options}
              value={staff}
              onChange={onStaffChange}
              error={errors.protectedStaffUserIds}
              columns
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}
