import { MutationCache, QueryCache, QueryClient, useQuery } from '@tanstack/react-query';
import { api, ApiError, type SessionInfo } from './api.js';

/*
 * The signed-in session lives in the query cache under one key. A 401 from
 * any request ends it here, in one place: the route guards then send the
 * person to the sign-in page with a message saying why.
 */

export const sessionKey = ['session'] as const;

/** Why the last session ended, shown on the sign-in page; cleared by the next sign-in. */
export type SessionEndReason = 'expired' | 'signedOut' | 'signedOutEverywhere';
let endReason: SessionEndReason | undefined;

export function sessionEndReason(): SessionEndReason | undefined {
  return endReason;
}

function isUnauthenticated(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 401 && err.code !== 'invalid_credentials';
}

async function fetchSession(): Promise<SessionInfo | null> {
  try {
    return await api.session();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      if (queryClient.getQueryData(sessionKey)) endReason = 'expired';
      return null;
    }
    throw err;
  }
}

function onApiError(err: unknown): void {
  if (!isUnauthenticated(err)) return;
  if (err.code === 'mfa_required') {
    // The session exists but owes its second factor: reload it and let the guards route.
    void queryClient.invalidateQueries({ queryKey: sessionKey });
    return;
  }
  if (queryClient.getQueryData(sessionKey)) {
    endReason = 'expired';
    queryClient.setQueryData(sessionKey, null);
  }
}

const isClientError = (err: unknown) => err instanceof ApiError && err.status >= 400;

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (count, err) => !isClientError(err) && count < 2,
    },
    mutations: { retry: false },
  },
});

/** Starts a new session (after sign-in or second factor): no data of an earlier one is kept. */
export function startSession(info: SessionInfo): void {
  endReason = undefined;
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
  queryClient.setQueryData(sessionKey, info);
}

/** Updates the session after a change that keeps it (second factor, profile). */
export function updateSession(info: SessionInfo): void {
  queryClient.setQueryData(sessionKey, info);
}

/** Forgets the session; the guards take the person to the sign-in page. */
export function endSession(reason: SessionEndReason | undefined): void {
  endReason = reason;
  queryClient.setQueryData(sessionKey, null);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
}

export function useSessionQuery() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 60_000 });
}

/**
 * The current session, or null when signed out. Reads the cache directly so
 * that a change made just before a navigation is already seen by the next page.
 */
export function useSession(): SessionInfo | null {
  const query = useSessionQuery();
  const cached = queryClient.getQueryData<SessionInfo | null>(sessionKey);
  return cached === undefined ? (query.data ?? null) : cached;
}
