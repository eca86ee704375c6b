import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.js';
import type { Option } from '../../reference.js';

/** All organisations as select options (the directory is small: one page of up to 500). */
export function useOrganisationOptions(): {
  options: Option[];
  isPending: boolean;
  error: unknown;
} {
  const orgs = useQuery({
    queryKey: ['organisations', 'options'],
    queryFn: () => api.organisations({ limit: 500 }),
  });
  return {
    options: (orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name })),
    isPending: orgs.isPending,
    error: orgs.error,
  };
}
