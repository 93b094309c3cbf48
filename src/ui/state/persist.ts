/**
 * Workspace persistence (issue 5): the board's runs (settings, curves, results) and the data
 * choice survive a reload (localStorage), and the whole workspace, saved models included, goes
 * into one project file that imports elsewhere. Data rows are never stored.
 *
 * The pure parts (encode/decode, project files) run in Node tests; usePersistWorkspace is the
 * page's hook into the store (one line in App.tsx).
 */
import { useEffect, useLayoutEffect, useRef, type Dispatch, type SetStateAction } from 'react';
import type { ExperimentAction } from './experiment';
import type { ExperimentState, RunRecord } from './types';
import type { SavedModelEntry } from '../../worker/protocol';

export const WORKSPACE_KEY = 'mtl-playground.workspace';
export const PROJECT_FORMAT = 'mtl-playground-project';
export const PROJECT_VERSION = 1;

/** What survives a reload. */
export interface Workspace {
  experiment: ExperimentState;
  runs: RunRecord[];
}

/** A saved model inside a project file: its listing and both files (weights as base64). */
export interface ProjectModel {
  entry: SavedModelEntry;
  jsonText: string;
  weightsBase64: string;
}

export interface ProjectFile {
  format: typeof PROJECT_FORMAT;
  version: number;
  created: string;
  workspace: Workspace;
  models: ProjectModel[];
}

/** Thrown for a file that is not a project of this version; the message says what is wrong. */
export class ProjectFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectFileError';
  }
}

// Curves hold NaN (undefined AUC) and JSON has no NaN: tag non-finite numbers so they come back.
const NON_FINITE = '__nonFinite';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NON_FINITE]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && NON_FINITE in value) {
    const v = (value as Record<string, unknown>)[NON_FINITE];
    return v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;
  }
  return value;
}

/** JSON text that keeps NaN and ±Infinity. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, reviver);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the shape of a workspace closely enough that the page can use it. */
export function checkWorkspace(v: unknown): Workspace {
  if (!isRecord(v)) throw new ProjectFileError('The workspace is not an object.');
  const exp = v.experiment;
  if (!isRecord(exp) || exp.version !== 1 || !isRecord(exp.data) || !isRecord(exp.model)) {
    throw new ProjectFileError('The workspace has no experiment settings of version 1.');
  }
  if (!isRecord(exp.train) || typeof exp.backend !== 'string') {
    throw new ProjectFileError('The workspace has no training settings.');
  }
  if (!Array.isArray(v.runs)) throw new ProjectFileError('The workspace has no list of runs.');
  for (const r of v.runs) {
    if (!isRecord(r) || typeof r.id !== 'string' || !Array.isArray(r.valAucCurves)) {
      throw new ProjectFileError('A run on the board is missing its id or curves.');
    }
  }
  return { experiment: exp as unknown as ExperimentState, runs: v.runs as RunRecord[] };
}

/** Runs from elsewhere get ids that cannot collide with the page's own `run-N`. */
export function reId(runs: RunRecord[], prefix: string): RunRecord[] {
  return runs.map((r, i) => ({ ...r, id: `${prefix}-${i + 1}` }));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** One project file (JSON text): workspace + saved models. */
export function projectToText(
  workspace: Workspace,
  models: { entry: SavedModelEntry; jsonText: string; weights: ArrayBuffer }[],
  created = new Date(),
): string {
  const file: ProjectFile = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    created: created.toISOString(),
    workspace,
    models: models.map((m) => ({
      entry: m.entry,
      jsonText: m.jsonText,
      weightsBase64: bytesToBase64(new Uint8Array(m.weights)),
    })),
  };
  return encodeJson(file);
}

/** Reads a project file; @throws ProjectFileError naming the problem. */
export function parseProject(text: string): ProjectFile {
  let v: unknown;
  try {
    v = decodeJson(text);
  } catch {
    throw new ProjectFileError('This is not a project file: it is not valid JSON.');
  }
  if (!isRecord(v) || v.format !== PROJECT_FORMAT) {
    throw new ProjectFileError('This is not a project file of the multi-task playground.');
  }
  if (v.version !== PROJECT_VERSION) {
    throw new ProjectFileError(
      `This project file has version ${String(v.version)}; this page reads version ${PROJECT_VERSION}.`,
    );
  }
  const workspace = checkWorkspace(v.workspace);
  if (!Array.isArray(v.models)) throw new ProjectFileError('The project file has no model list.');
  const models = v.models.map((m): ProjectModel => {
    if (
      !isRecord(m) ||
      !isRecord(m.entry) ||
      typeof m.jsonText !== 'string' ||
      typeof m.weightsBase64 !== 'string'
    ) {
      throw new ProjectFileError('A saved model in the project file is incomplete.');
    }
    return m as unknown as ProjectModel;
  });
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    created: String(v.created),
    workspace,
    models,
  };
}

/** The workspace kept in this browser, or null (none, unreadable, or storage blocked). */
export function loadWorkspace(
  storage: Storage | undefined = globalThis.localStorage,
): Workspace | null {
  try {
    const text = storage?.getItem(WORKSPACE_KEY);
    return text ? checkWorkspace(decodeJson(text)) : null;
  } catch {
    return null;
  }
}

export function saveWorkspace(
  w: Workspace,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(WORKSPACE_KEY, encodeJson(w));
  } catch {
    // Storage full or blocked: the workspace just won't survive a reload.
  }
}

/**
 * Restores the kept workspace once on start (the experiment only when the address carries no
 * settings of its own: a shared link wins), then keeps it up to date.
 */
export function usePersistWorkspace(
  state: ExperimentState,
  dispatch: Dispatch<ExperimentAction>,
  runs: RunRecord[],
  setRuns: Dispatch<SetStateAction<RunRecord[]>>,
): void {
  const restored = useRef(false);
  // The first render's state is the default, about to be replaced: never save it over the kept one.
  const firstSave = useRef(true);
  // Layout effect: restored before the worker's first data load reads the settings.
  useLayoutEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const w = loadWorkspace();
    if (w === null) return;
    if (location.hash === '' && location.search === '') {
      dispatch({ type: 'replace', state: w.experiment });
    }
    if (w.runs.length > 0) setRuns((prev) => [...reId(w.runs, 'kept'), ...prev]);
  }, [dispatch, setRuns]);
  useEffect(() => {
    if (!restored.current) return;
    if (firstSave.current) {
      firstSave.current = false;
      return;
    }
    saveWorkspace({ experiment: state, runs });
  }, [state, runs]);
}
