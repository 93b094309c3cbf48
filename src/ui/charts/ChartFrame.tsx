/**
 * A chart's frame: title, an HTML legend (the same entries are drawn into the PNG), the
 * "Save as PNG" button and a caption. The chart itself is the child.
 */
import { useId, useRef, type ReactNode } from 'react';
import { fileSlug } from '../export/download';
import { renderChartPng, type PngLegendItem } from '../export/png';
import { SavePngButton } from '../export/SavePngButton';
import './visuals.css';

interface Props {
  title: string;
  /** Short name for the Save button's accessible name, e.g. "validation AUC chart". */
  what: string;
  legend: PngLegendItem[];
  caption?: ReactNode;
  /** Nothing drawn yet: the Save button is disabled. */
  empty?: boolean;
  children: ReactNode;
  /** Extra controls next to the Save button. */
  actions?: ReactNode;
}

export function ChartFrame({ title, what, legend, caption, empty, children, actions }: Props) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  return (
    <figure className="chart-frame" ref={ref} aria-labelledby={titleId}>
      <div className="chart-head">
        <h3 className="chart-title" id={titleId}>
          {title}
        </h3>
        <div className="chart-actions">
          {actions}
          <SavePngButton
            what={what}
            filename={`${fileSlug(title)}.png`}
            disabled={empty}
            render={() => {
              if (ref.current === null) return Promise.reject(new Error('The chart is not shown.'));
              return renderChartPng(ref.current, title, legend);
            }}
          />
        </div>
      </div>
      {legend.length > 0 && <LegendList items={legend} />}
      {children}
      {caption !== undefined && <figcaption>{caption}</figcaption>}
    </figure>
  );
}

/** Legend entries with a line (or swatch) sample in each colour. */
export function LegendList({ items }: { items: PngLegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((it) => (
        <li key={it.label}>
          <svg width="26" height="12" aria-hidden="true" focusable="false">
            {it.swatch === true ? (
              <rect x="2" y="1" width="22" height="10" fill={it.color} />
            ) : (
              <line
                x1="1"
                x2="25"
                y1="6"
                y2="6"
                stroke={it.color}
                strokeWidth={it.dashed === true ? 2 : 3}
                strokeDasharray={it.dashed === true ? '5 4' : undefined}
              />
            )}
          </svg>
          {it.label}
        </li>
      ))}
    </ul>
  );
}
