import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { AuthError, GraphQLFailure, gql } from './api';

/** Where the token is kept: this tab only, gone when it closes. */
const TOKEN_KEY = 'returns-graph.ops.token';

export const storedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const storeToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** A signed-in console: the token, the root fields this gateway's schema has, and the live tick. */
export interface Session {
  token: string;
  /** Root Query and Mutation field names of the schema the gateway serves now. */
  fields: ReadonlySet<string>;
  /** Increases whenever a subscription delivers an update or the slow poll fires: views reload on it. */
  tick: number;
  /** Back to sign-in, saying why. */
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** A query's state: loading until the first answer, then data or a message. */
export interface QueryState<T> {
  data?: T;
  error?: string;
  /** The failing error's code (e.g. FORBIDDEN, GRAPHQL_VALIDATION_FAILED). */
  code?: string;
  loading: boolean;
  reload(): void;
}

/** Why a call failed, in words for a person. */
export function describeFailure(error: unknown): { message: string; code?: string } {
  if (error instanceof GraphQLFailure) {
    if (error.code === 'FORBIDDEN') return { message: `Your role may not do this: ${error.message}`, code: error.code };
    return { message: error.message, code: error.code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs `query` as the signed-in user whenever `key` (the variables, serialised) or the live tick
 * changes. A refused token signs out; other failures are shown by the view. Data stays on screen
 * while a refresh runs, so live updates do not flicker.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> | null): QueryState<T> {
  const session = useSession();
  const [state, setState] = useState<Omit<QueryState<T>, 'reload'>>({ loading: variables !== null });
  const [nonce, setNonce] = useState(0);
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    gql<T>(session.token, query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof AuthError) return session.signOut(`Signed out: ${error.message}`);
        const failure = describeFailure(error);
        setState({ error: failure.message, code: failure.code, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [query, key, session.token, session.tick, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
