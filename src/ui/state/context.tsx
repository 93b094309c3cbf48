/** React wiring of the experiment store: one reducer for the page, shared through context. */
import { createContext, useContext, useReducer, type Dispatch, type ReactNode } from 'react';
import { defaultExperiment, experimentReducer, type ExperimentAction } from './experiment';
import type { ExperimentState } from './types';

interface ExperimentContextValue {
  state: ExperimentState;
  dispatch: Dispatch<ExperimentAction>;
}

const ExperimentContext = createContext<ExperimentContextValue | null>(null);

export function ExperimentProvider({
  children,
  initial,
}: {
  children: ReactNode;
  initial?: ExperimentState;
}) {
  const [state, dispatch] = useReducer(experimentReducer, initial ?? defaultExperiment());
  return <ExperimentContext value={{ state, dispatch }}>{children}</ExperimentContext>;
}

/** The experiment state and its dispatch; must be used under <ExperimentProvider>. */
export function useExperiment(): ExperimentContextValue {
  const v = useContext(ExperimentContext);
  if (v === null) throw new Error('useExperiment() needs an <ExperimentProvider> above it.');
  return v;
}
