import { useState } from 'preact/hooks';
import { performAction } from './actions';
import { AuthError } from './api';
import { describeFailure, useSession } from './session';

/** A row's action button: whether it is running, and what went wrong the last time. */
export interface ActionState {
  busy: boolean;
  /** The mutation's user errors or the failure, for the row to show; undefined when it was done. */
  outcome: string | undefined;
  /** Runs `mutation` on `targetId`; calls `onDone` when it was done, signs out when the token is refused. */
  run(mutation: string, targetId: string): Promise<void>;
}

/** The exceptions queue and the dead-letter list act the same way: one mutation on one target, its outcome shown in the row. */
export function useAction(onDone: () => void): ActionState {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const run = async (mutation: string, targetId: string) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const result = await performAction(session.token, mutation, targetId);
      if (result.userErrors.length > 0) setOutcome(result.userErrors.map((error) => `${error.code}: ${error.message}`).join('; '));
      else onDone();
    } catch (error) {
      if (error instanceof AuthError) return session.signOut(`Signed out: ${error.message}`);
      setOutcome(describeFailure(error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, run };
}
