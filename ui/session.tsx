// The logged-in operator, shared by the console's pages.
import { createContext, useContext } from 'react';
import type { Session } from '../web/api-types';

export interface SessionState {
  session: Session;
  setSession: (s: Session | null) => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the console');
  return s;
}
