import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ServiceView } from '../../api.js';
import { currentLanguage } from '../../i18n.js';
import type { Option } from '../../reference.js';

export const servicesKey = ['services'] as const;

/**
 * The service catalogue, with names in the interface language. Retired
 * services keep their names (profiles may still list them) but are not offered
 * as choices, except where already chosen.
 */
export function useServices() {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? currentLanguage();
  const services = useQuery({ queryKey: servicesKey, queryFn: api.services, staleTime: 300_000 });
  const items = services.data?.items ?? [];
  const label = (s: ServiceView) => (language === 'en' ? s.nameEn : s.nameSv);
  const byCode = new Map(items.map((s) => [s.code, s]));
  const sorted = [...items].sort(
    (a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code),
  );
  return {
    query: services,
    items: sorted,
    /** The service's name in the interface language (the code if it is unknown). */
    name: (code: string) => {
      const s = byCode.get(code);
      return s ? label(s) : code;
    },
    label,
    /** Services that can be chosen, plus any of `keep` (already chosen, possibly retired). */
    options: (keep: readonly string[] = []): Option[] =>
      sorted
        .filter((s) => !s.retired || keep.includes(s.code))
        .map((s) => ({ value: s.code, label: label(s) })),
    active: sorted.filter((s) => !s.retired),
  };
}
