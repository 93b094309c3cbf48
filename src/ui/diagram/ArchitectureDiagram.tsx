/**
 * The architecture diagram: redrawn from the model settings (input → experts / bottom → gates →
 * towers → one output per task). The SVG has an accessible name and a text description.
 */
import { useId, useRef } from 'react';
import type { ModelSettings } from '../state/types';
import { fileSlug } from '../export/download';
import { renderChartPng } from '../export/png';
import { SavePngButton } from '../export/SavePngButton';
import { catalogEntry } from './modelCatalog';
import { useI18n } from '../i18n';
import { english } from '../i18n/english';
import { layoutDiagram, type DiagramNode, type Translate } from './layout';
import '../charts/visuals.css';

interface Props {
  settings: ModelSettings;
  taskNames: string[];
  numFeatures?: number;
}

/** '#0072B2' → 'rgba(0,114,178,0.12)': a light fill in the node's colour. */
function tint(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/** A sentence describing the drawn architecture, for screen readers and the caption. */
export function describeArchitecture(
  s: ModelSettings,
  taskNames: string[],
  t: Translate = english,
): string {
  const tasks = taskNames.join(t('arch.and')) || t('arch.eachTask');
  const tower =
    s.towerHidden.length === 0
      ? t('arch.linearOutput')
      : t('arch.tower', { w: s.towerHidden.join('-') });
  switch (s.model) {
    case 'single_task':
      return t('arch.single_task', {
        tasks,
        w: s.bottomHidden.join('-') || t('diagram.linear'),
        tower,
      });
    case 'share_bottom':
      return t('arch.share_bottom', { tasks, w: s.bottomHidden.join('-'), tower });
    case 'mmoe':
      return t('arch.mmoe', { n: s.numExperts, w: s.expertHidden.join('-'), tasks, tower });
    case 'ple':
      return t(s.levels > 1 ? 'arch.ple.levels' : 'arch.ple', {
        levels: s.levels,
        shared: s.numExperts,
        perTask: s.expertsPerTask,
        w: s.expertHidden.join('-'),
        tasks,
        tower,
      });
  }
}

function NodeBox({ n }: { n: DiagramNode }) {
  const rx = n.kind === 'gate' ? n.h / 2 : n.kind === 'output' ? 14 : 6;
  const bold = n.kind === 'output' || n.kind === 'input' || n.kind === 'bottom';
  return (
    <g>
      <rect
        x={n.x}
        y={n.y}
        width={n.w}
        height={n.h}
        rx={rx}
        fill={n.kind === 'output' ? n.color : tint(n.color, n.kind === 'more' ? 0.06 : 0.14)}
        stroke={n.color}
        strokeWidth={n.kind === 'gate' ? 2 : 1.5}
        strokeDasharray={n.kind === 'more' ? '4 3' : undefined}
      />
      <text
        x={n.x + n.w / 2}
        y={n.y + (n.sub === undefined ? n.h / 2 : n.h / 2 - 7)}
        textAnchor="middle"
        dominantBaseline="central"
        fontSize="12"
        fontWeight={bold ? 700 : 600}
        fill={n.kind === 'output' ? '#ffffff' : '#1d232a'}
      >
        {n.label}
      </text>
      {n.sub !== undefined && (
        <text
          x={n.x + n.w / 2}
          y={n.y + n.h / 2 + 8}
          textAnchor="middle"
          dominantBaseline="central"
          fontSize="11"
          fill="#39424b"
        >
          {n.sub}
        </text>
      )}
    </g>
  );
}

export function ArchitectureDiagram({ settings, taskNames, numFeatures }: Props) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const markerId = useId().replace(/:/g, '');
  const d = layoutDiagram(settings, taskNames, numFeatures, t);
  const byId = new Map(d.nodes.map((n) => [n.id, n]));
  const entry = catalogEntry(settings.model);
  const description = describeArchitecture(settings, taskNames, t);
  const title = t('diagram.title', { model: t(`exp.model.${entry.name}`) });
  return (
    <figure className="chart-frame" ref={ref}>
      <div className="chart-head">
        <h3 className="chart-title">{title}</h3>
        <div className="chart-actions">
          <SavePngButton
            what={t('diagram.what')}
            filename={`${fileSlug(title)}.png`}
            render={() => {
              if (ref.current === null) return Promise.reject(new Error(t('diagram.notShown')));
              return renderChartPng(ref.current, title);
            }}
          />
        </div>
      </div>
      <svg
        data-export="png"
        className="diagram-svg"
        viewBox={`0 0 ${d.width} ${d.height}`}
        width={d.width}
        height={d.height}
        // Never drawn larger than its natural size (small models would get huge text).
        style={{ maxWidth: `${d.width}px` }}
        role="img"
        aria-label={`${title}. ${description}`}
        fontFamily="system-ui, sans-serif"
      >
        <defs>
          <marker
            id={markerId}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#5a6570" />
          </marker>
        </defs>
        {d.labels.map((l, i) => (
          <text
            key={`${l.text}-${i}`}
            x={l.x}
            y={l.y}
            textAnchor={l.anchor}
            fontSize="12"
            fontStyle={l.anchor === 'start' ? 'italic' : undefined}
            fontWeight={l.anchor === 'middle' ? 600 : 400}
            fill={l.color}
          >
            {l.text}
          </text>
        ))}
        {d.edges.map((e, i) => {
          const a = byId.get(e.from);
          const b = byId.get(e.to);
          if (a === undefined || b === undefined) return null;
          const x1 = a.x + a.w / 2;
          const y1 = a.y + a.h;
          const x2 = b.x + b.w / 2;
          const y2 = b.y;
          const my = (y1 + y2) / 2;
          return (
            <path
              key={`${e.from}-${e.to}-${i}`}
              d={`M ${x1} ${y1} C ${x1} ${my}, ${x2} ${my}, ${x2} ${y2 - 1}`}
              fill="none"
              stroke={e.color}
              strokeOpacity={e.dashed === true ? 0.55 : 0.7}
              strokeWidth={e.dashed === true ? 1.2 : 1.5}
              strokeDasharray={e.dashed === true ? '4 4' : undefined}
              markerEnd={b.kind === 'gate' || b.kind === 'expert' ? undefined : `url(#${markerId})`}
            />
          );
        })}
        {d.nodes.map((n) => (
          <NodeBox key={n.id} n={n} />
        ))}
      </svg>
      <figcaption>
        {description}
        {d.nodes.some((n) => n.kind === 'gate') ? ` ${t('diagram.dashed')}` : ''}
      </figcaption>
    </figure>
  );
}
