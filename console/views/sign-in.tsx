import { useState } from 'preact/hooks';
import { AuthError, GraphQLFailure, gql } from '../api';
import { SIGN_IN_FIELDS, SIGN_IN_PROBE } from '../queries';

type RootFields = { __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } | null } };

/**
 * Checks a token: the gateway must accept it (else 401) and grant it the finance/operations probe
 * (else FORBIDDEN). Resolves to the schema's root field names, so views can tell which operations
 * fields this gateway serves.
 */
export async function checkToken(token: string): Promise<Set<string>> {
  try {
    await gql(token, SIGN_IN_PROBE);
    const schema = await gql<RootFields>(token, SIGN_IN_FIELDS);
    return new Set([...schema.__schema.queryType.fields, ...(schema.__schema.mutationType?.fields ?? [])].map((field) => field.name));
  } catch (error) {
    if (error instanceof AuthError) throw new Error(`The gateway refused this token (${error.message}). Mint one with: npm run -s token -- operations_admin`);
    if (error instanceof GraphQLFailure && error.code === 'FORBIDDEN') {
      throw new Error('This token is valid but its role may not use the operations console: sign in with an operations_admin or finance token.');
    }
    throw error;
  }
}

/** The sign-in form: paste a bearer token. */
export function SignIn(props: { message?: string; onSignedIn(token: string, fields: Set<string>): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (!trimmed) return setError('Paste a token first.');
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(trimmed, await checkToken(trimmed));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const shown = error ?? props.message;
  return (
    <main class="sign-in">
      <h1>Returns Graph operations</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label for="token">Operations or finance token</label>
        <textarea id="token" name="token" rows={5} autoComplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p id="sign-in-help" class="hint">
          Mint one with <code>npm run -s token -- operations_admin</code> (or <code>finance</code>). It stays in this tab only.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {shown && (
        <p class="error" role="alert" data-testid="sign-in-error">
          {shown}
        </p>
      )}
    </main>
  );
}
