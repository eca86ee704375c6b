import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type InterventionView } from '../../api.js';
import { currentLanguage } from '../../i18n.js';
import type { Option } from '../../reference.js';

export const programmeKey = ['programme'] as const;

/**
 * The programme's catalogues (rates, interventions, decision grounds) with
 * their names in the interface language. They change seldom.
 */
export function useProgramme() {
  const { i18n } = useTranslation();
  const sv = (i18n.resolvedLanguage ?? currentLanguage()) === 'sv';
  const query = useQuery({
    queryKey: programmeKey,
    queryFn: api.programme,
    staleTime: 5 * 60_000,
  });
  const interventions = query.data?.interventions ?? [];
  const grounds = query.data?.grounds ?? [];
  const localName = (v: { nameSv: string; nameEn: string }) => (sv ? v.nameSv : v.nameEn);
  const intervention = (code: string | null): InterventionView | undefined =>
    code ? interventions.find((i) => i.code === code) : undefined;
  return {
    query,
    data: query.data,
    intervention,
    interventionName: (code: string | null) => {
      const i = intervention(code);
      return i ? localName(i) : (code ?? '');
    },
    groundName: (code: string) => {
      const g = grounds.find((x) => x.code === code);
      return g ? localName(g) : code;
    },
    localName,
    /** Categories an application may use (not retired), plus `keep` if it is retired. */
    interventionOptions: (keep?: string | null): Option[] =>
      interventions
        .filter((i) => !i.retired || i.code === keep)
        .map((i) => ({ value: i.code, label: localName(i) })),
    groundOptions: grounds.map((g) => ({ value: g.code, label: localName(g) })),
  };
}
