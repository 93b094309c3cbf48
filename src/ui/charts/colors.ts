/**
 * Colours shared by every chart, the heatmap, the diagram and the board, so a task keeps its
 * colour everywhere. Okabe–Ito: distinct for colour-blind viewers and on a projector.
 */
export const TASK_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

/** Colour of task `i` (cycles when there are more tasks than colours). */
export function taskColor(i: number): string {
  return TASK_COLORS[((i % TASK_COLORS.length) + TASK_COLORS.length) % TASK_COLORS.length];
}

/** Colours for runs on the comparison overlay: dark, saturated, distinct from each other. */
export const RUN_COLORS = [
  '#1b4f8a',
  '#b2182b',
  '#1a7f4b',
  '#6a3d9a',
  '#b35806',
  '#01665e',
  '#8c510a',
  '#c51b7d',
  '#4d4d4d',
  '#2166ac',
];

export function runColor(i: number): string {
  return RUN_COLORS[((i % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length];
}

/** Colour of shared (not task-owned) parts: experts, the shared bottom, the shared gate. */
export const SHARED_COLOR = '#5a6570';
