import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { subscribe, subscriptionClient } from './api';
import { REFUND_UPDATES, RETURN_UPDATES } from './queries';
import { SessionContext, forgetToken, storeToken, storedToken, type Session } from './session';
import { SignIn, checkToken } from './views/sign-in';
import { KpisView } from './views/kpis';
import { ExceptionsView } from './views/exceptions';
import { TimelineView, type TimelineTarget } from './views/timeline';
import { PipelineView } from './views/pipeline';

/** Fallback refresh when no update arrives: the health numbers move without events too (lag, retries). */
const SLOW_POLL_MS = 30_000;
/** Updates arriving within this time of each other cause one refresh. */
const UPDATE_DEBOUNCE_MS = 500;

const VIEWS = [
  { id: 'kpis', label: 'KPIs' },
  { id: 'exceptions', label: 'Exceptions' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'pipeline', label: 'Pipeline health' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

/** Live state: a tick that moves on every subscription update and on the slow poll, and the feed's state. */
function useLive(token: string | undefined, signOut: (message: string) => void): { tick: number; live: string } {
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState('connecting');
  useEffect(() => {
    if (!token) return;
    const client = subscriptionClient(token, signOut);
    // A burst of updates (a return completing moves several events) refreshes the views once.
    let pending: ReturnType<typeof setTimeout> | undefined;
    const bump = () => {
      setLive('live');
      pending ??= setTimeout(() => {
        pending = undefined;
        setTick((n) => n + 1);
      }, UPDATE_DEBOUNCE_MS);
    };
    const failed = (message: string) => setLive(`live updates stopped: ${message}`);
    const stops = [subscribe(client, RETURN_UPDATES, bump, failed), subscribe(client, REFUND_UPDATES, bump, failed)];
    const offConnected = client.on('connected', () => setLive('live'));
    const timer = setInterval(() => setTick((n) => n + 1), SLOW_POLL_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(pending);
      offConnected();
      for (const stop of stops) stop();
      void client.dispose();
    };
  }, [token, signOut]);
  return { tick, live };
}

/** The console: sign-in, then four views sharing one session and one live feed. */
export function App() {
  const [auth, setAuth] = useState<{ token: string; fields: Set<string> } | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [view, setView] = useState<ViewId>('kpis');
  const [timelineTarget, setTimelineTarget] = useState<TimelineTarget | undefined>(undefined);

  const signOut = useCallback((why?: string) => {
    forgetToken();
    setAuth(undefined);
    setMessage(why);
  }, []);
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    checkToken(token)
      .then(
        (fields) => setAuth({ token, fields }),
        (error: unknown) => signOut(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setRestoring(false));
  }, [signOut]);
  const { tick, live } = useLive(auth?.token, signOut);
  const session = useMemo<Session | null>(() => (auth ? { token: auth.token, fields: auth.fields, tick, signOut } : null), [auth, tick, signOut]);

  if (!session) {
    if (restoring) return <p class="hint">Signing in…</p>;
    return (
      <SignIn
        message={message}
        onSignedIn={(token, fields) => {
          storeToken(token);
          setMessage(undefined);
          setAuth({ token, fields });
        }}
      />
    );
  }
  const openTimeline = (target: TimelineTarget) => {
    setTimelineTarget(target);
    setView('timeline');
  };
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <h1>Returns Graph operations</h1>
        <nav aria-label="Views">
          {VIEWS.map((item) => (
            <button type="button" key={item.id} aria-current={view === item.id ? 'page' : undefined} onClick={() => setView(item.id)}>
              {item.label}
            </button>
          ))}
        </nav>
        <span class="live" role="status" data-testid="live-status">
          {live}
        </span>
        <button type="button" class="sign-out" onClick={() => signOut('Signed out.')}>
          Sign out
        </button>
      </header>
      <main>
        {view === 'kpis' && <KpisView />}
        {view === 'exceptions' && <ExceptionsView onOpenTimeline={openTimeline} />}
        {view === 'timeline' && <TimelineView initial={timelineTarget} />}
        {view === 'pipeline' && <PipelineView />}
      </main>
    </SessionContext.Provider>
  );
}
