/**
 * Architecture diagram as data: boxes and arrows laid out top (input) to bottom (one output per
 * task) from the model settings. Pure (tested in Node); ArchitectureDiagram.tsx draws it.
 */
import type { ModelSettings } from '../state/types';
import { SHARED_COLOR, taskColor } from '../charts/colors';
import { english, type Translate } from '../i18n/english';

export type NodeKind = 'input' | 'bottom' | 'expert' | 'more' | 'gate' | 'tower' | 'output';

export interface DiagramNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Second, smaller line (layer widths). */
  sub?: string;
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  color: string;
  /** Dashed: a gate reading its input (it decides weights, it is not mixed). */
  dashed?: boolean;
}

export interface DiagramLabel {
  text: string;
  x: number;
  y: number;
  color: string;
  anchor: 'start' | 'middle';
}

export interface Diagram {
  width: number;
  height: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Row names on the left and group captions above expert groups. */
  labels: DiagramLabel[];
}

/** More experts than this in one group are drawn as MAX_SHOWN − 1 boxes and a "+n" box. */
export const MAX_SHOWN = 6;

const LEFT = 86; // room for row names
const GAP = 12;
const ROW = 78; // vertical distance between rows
const EXPERT = { w: 70, h: 40 };
const GATE = { w: 64, h: 30 };
const TOWER = { w: 84, h: 40 };
const OUTPUT = { h: 30 };

/** Box width that fits `label` in 12 px bold (≈ 7.4 px per Latin character, about twice that
 * per CJK character) with side padding. */
const fit = (label: string, min: number) => {
  const wide = label.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0;
  return Math.max(min, Math.ceil(7.4 * (label.length + wide) + 18));
};

export type { Translate };

/** Boxes of a group of `n` experts, capped at MAX_SHOWN (the last one says "+k more"). */
function expertBoxes(
  n: number,
  idPrefix: string,
  color: string,
  sub: string,
  t: Translate,
): DiagramNode[] {
  const shown = n > MAX_SHOWN ? MAX_SHOWN - 1 : n;
  const out: DiagramNode[] = [];
  for (let i = 0; i < shown; i++) {
    out.push({
      id: `${idPrefix}${i}`,
      kind: 'expert',
      label: t('diagram.expert', { n: i + 1 }),
      sub,
      x: 0,
      y: 0,
      ...EXPERT,
      color,
    });
  }
  if (n > shown) {
    out.push({
      id: `${idPrefix}more`,
      kind: 'more',
      label: t('diagram.more', { n: n - shown }),
      x: 0,
      y: 0,
      ...EXPERT,
      color,
    });
  }
  return out;
}

/** Places groups of nodes left to right on one row with an extra gap between groups. */
function placeRow(groups: DiagramNode[][], y: number, groupGap = 28): number {
  let x = 0;
  groups.forEach((g, gi) => {
    if (gi > 0) x += groupGap;
    g.forEach((n, i) => {
      if (i > 0) x += GAP;
      n.x = x;
      n.y = y;
      x += n.w;
    });
  });
  return x; // row width
}

const centre = (ns: DiagramNode[]) =>
  ns.length === 0 ? 0 : (ns[0].x + ns[ns.length - 1].x + ns[ns.length - 1].w) / 2;

/**
 * Lays out the model described by `s` for `taskNames` (T = its length).
 * `numFeatures` only labels the input box.
 */
export function layoutDiagram(
  s: ModelSettings,
  taskNames: string[],
  numFeatures?: number,
  t: Translate = english,
): Diagram {
  const widths = (w: number[]) => (w.length === 0 ? t('diagram.linear') : w.join('-'));
  const tasks = taskNames.length > 0 ? taskNames : [t('diagram.task')];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  /** Captions over expert groups, placed after centring. */
  const captions: { text: string; color: string; ids: string[] }[] = [];
  const rowNames: { text: string; y: number }[] = [];
  const input: DiagramNode = {
    id: 'input',
    kind: 'input',
    label: t('diagram.inputFeatures'),
    sub: numFeatures === undefined ? undefined : t('diagram.columns', { n: numFeatures }),
    x: 0,
    y: 0,
    w: 150,
    h: 40,
    color: SHARED_COLOR,
  };
  nodes.push(input);
  rowNames.push({ text: t('diagram.row.input'), y: 0 });
  let y = ROW;
  /** Per task: the node whose output feeds its tower. */
  let taskHeads: DiagramNode[] = [];
  const rowWidths: number[] = [input.w];

  const towerSub = widths(s.towerHidden);
  if (s.model === 'single_task' || s.model === 'share_bottom') {
    if (s.model === 'share_bottom') {
      const bottom: DiagramNode = {
        id: 'bottom',
        kind: 'bottom',
        label: t('diagram.sharedBottom'),
        sub: widths(s.bottomHidden),
        x: 0,
        y,
        w: Math.max(160, tasks.length * (TOWER.w + GAP) - GAP),
        h: 40,
        color: SHARED_COLOR,
      };
      nodes.push(bottom);
      edges.push({ from: 'input', to: 'bottom', color: SHARED_COLOR });
      rowNames.push({ text: t('diagram.row.bottom'), y });
      rowWidths.push(bottom.w);
      taskHeads = tasks.map(() => bottom);
    } else {
      const nets = tasks.map((task, k): DiagramNode => ({
        id: `net${k}`,
        kind: 'bottom',
        label: t('diagram.net', { task }),
        sub: widths(s.bottomHidden),
        x: 0,
        y,
        ...TOWER,
        w: fit(t('diagram.net', { task }), TOWER.w),
        color: taskColor(k),
      }));
      rowWidths.push(placeRow([nets], y, 0));
      nets.forEach((n) => {
        nodes.push(n);
        edges.push({ from: 'input', to: n.id, color: SHARED_COLOR });
      });
      rowNames.push({ text: t('diagram.row.network'), y });
      taskHeads = nets;
    }
    y += ROW;
  } else {
    const levels = s.model === 'ple' ? Math.max(1, s.levels) : 1;
    const expertSub = widths(s.expertHidden);
    /** Previous level's gates: per task, and the shared one (PLE). */
    let prevTaskGates: DiagramNode[] = [];
    let prevShared: DiagramNode | null = null;
    for (let l = 0; l < levels; l++) {
      const suffix = levels > 1 ? ` ${l + 1}` : '';
      // Experts
      let groups: DiagramNode[][];
      if (s.model === 'mmoe') {
        groups = [expertBoxes(s.numExperts, `L${l}e`, SHARED_COLOR, expertSub, t)];
      } else {
        groups = [
          expertBoxes(s.numExperts, `L${l}s`, SHARED_COLOR, expertSub, t),
          ...tasks.map((_, k) =>
            expertBoxes(s.expertsPerTask, `L${l}t${k}e`, taskColor(k), expertSub, t),
          ),
        ];
      }
      rowWidths.push(placeRow(groups, y));
      groups.flat().forEach((n) => nodes.push(n));
      rowNames.push({ text: t('diagram.row.experts', { suffix }), y });
      // Group captions above expert groups
      groups.forEach((g, gi) => {
        const shared = s.model === 'mmoe' || gi === 0;
        captions.push({
          text:
            s.model === 'mmoe'
              ? t('diagram.sharedExperts')
              : shared
                ? t('diagram.shared')
                : tasks[gi - 1],
          color: shared ? SHARED_COLOR : taskColor(gi - 1),
          ids: g.map((n) => n.id),
        });
      });
      // Expert inputs
      groups.forEach((g, gi) => {
        const src: DiagramNode =
          l === 0
            ? input
            : gi === 0 || s.model === 'mmoe'
              ? (prevShared ?? input)
              : prevTaskGates[gi - 1];
        g.forEach((n) => edges.push({ from: src.id, to: n.id, color: src.color }));
      });
      // Gates
      y += ROW;
      const gateSub =
        s.gateHidden.length === 0 ? undefined : t('diagram.hidden', { w: widths(s.gateHidden) });
      const taskGates = tasks.map((task, k): DiagramNode => ({
        id: `L${l}g${k}`,
        kind: 'gate',
        label: t('diagram.gate', { task }),
        sub: gateSub,
        x: 0,
        y,
        ...GATE,
        w: fit(t('diagram.gate', { task }), GATE.w),
        // Two lines of text need a taller pill.
        h: s.gateHidden.length === 0 ? GATE.h : 40,
        color: taskColor(k),
      }));
      const sharedGate: DiagramNode | null =
        s.model === 'ple' && l < levels - 1
          ? {
              id: `L${l}gs`,
              kind: 'gate',
              label: t('diagram.sharedGate'),
              sub: gateSub,
              x: 0,
              y,
              ...GATE,
              h: s.gateHidden.length === 0 ? GATE.h : 40,
              w: 100,
              color: SHARED_COLOR,
            }
          : null;
      const gateRow = [...(sharedGate ? [sharedGate] : []), ...taskGates];
      rowWidths.push(placeRow([gateRow], y, 0) + 0);
      gateRow.forEach((g) => nodes.push(g));
      rowNames.push({ text: t('diagram.row.gates', { suffix }), y });
      // Which experts each gate mixes
      const all = groups.flat();
      taskGates.forEach((g, k) => {
        const reach = s.model === 'mmoe' ? all : [...groups[0], ...groups[k + 1]];
        reach.forEach((e) => edges.push({ from: e.id, to: g.id, color: e.color }));
        const src = l === 0 ? input : prevTaskGates[k];
        edges.push({ from: src.id, to: g.id, color: src.color, dashed: true });
      });
      if (sharedGate) {
        all.forEach((e) => edges.push({ from: e.id, to: sharedGate.id, color: e.color }));
        const src = l === 0 ? input : (prevShared ?? input);
        edges.push({ from: src.id, to: sharedGate.id, color: src.color, dashed: true });
      }
      prevTaskGates = taskGates;
      prevShared = sharedGate;
      taskHeads = taskGates;
      y += ROW;
    }
  }

  // Towers and outputs, one column per task
  const towers = tasks.map((task, k): DiagramNode => ({
    id: `tower${k}`,
    kind: 'tower',
    label: t('diagram.tower', { task }),
    sub: towerSub,
    x: 0,
    y,
    ...TOWER,
    w: fit(t('diagram.tower', { task }), TOWER.w),
    color: taskColor(k),
  }));
  rowWidths.push(placeRow([towers], y, 0));
  towers.forEach((n, k) => {
    nodes.push(n);
    edges.push({ from: taskHeads[k].id, to: n.id, color: taskColor(k) });
  });
  rowNames.push({ text: t('diagram.row.towers'), y });
  y += ROW;
  const outputs = tasks.map((task, k): DiagramNode => ({
    id: `out${k}`,
    kind: 'output',
    label: `P(${task})`,
    x: 0,
    y,
    w: fit(`P(${task})`, TOWER.w),
    h: OUTPUT.h,
    color: taskColor(k),
  }));
  rowWidths.push(placeRow([outputs], y, 0));
  outputs.forEach((n, k) => {
    nodes.push(n);
    edges.push({ from: towers[k].id, to: n.id, color: taskColor(k) });
  });
  rowNames.push({ text: t('diagram.row.outputs'), y });

  // Centre every row on the widest one.
  const inner = Math.max(...rowWidths);
  const rows = new Map<number, DiagramNode[]>();
  for (const n of nodes) rows.set(n.y, [...(rows.get(n.y) ?? []), n]);
  for (const row of rows.values()) {
    const left = Math.min(...row.map((n) => n.x));
    const right = Math.max(...row.map((n) => n.x + n.w));
    const shift = LEFT + (inner - (right - left)) / 2 - left;
    row.forEach((n) => (n.x += shift));
  }
  const TOP = 24;
  nodes.forEach((n) => (n.y += TOP));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const captionLabels = captions.map((c): DiagramLabel => {
    const group = c.ids.map((id) => byId.get(id)).filter((n): n is DiagramNode => n !== undefined);
    return { text: c.text, x: centre(group), y: group[0].y - 7, color: c.color, anchor: 'middle' };
  });
  const rowLabels = rowNames.map((r): DiagramLabel => ({
    text: r.text,
    x: 4,
    y: r.y + TOP + 20,
    color: '#5a6570',
    anchor: 'start',
  }));
  return {
    width: LEFT + inner + 16,
    height: y + TOP + OUTPUT.h + 12,
    nodes,
    edges,
    labels: [...rowLabels, ...captionLabels],
  };
}
