/** A chart's frame: title, subtitle (units), the plot, a legend in words, and a text summary for screen readers. */
import type { ReactNode } from 'react';

export interface LegendItem {
  label: string;
  color: string;
  shape?: 'line' | 'dashed' | 'box';
}

export function ChartFrame({
  title,
  subtitle,
  summary,
  legend,
  children,
  headingLevel = 3,
}: {
  title: string;
  subtitle?: ReactNode;
  /** what the chart shows, in a sentence (read by screen readers instead of the SVG) */
  summary: string;
  legend?: LegendItem[];
  children: ReactNode;
  headingLevel?: 2 | 3;
}) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <figure className="chart">
      <H className="chart__title">{title}</H>
      {subtitle && <p className="chart__subtitle">{subtitle}</p>}
      <div className="chart__body" role="img" aria-label={summary}>
        {children}
      </div>
      {legend && legend.length > 0 && (
        <div className="chart__legend" aria-hidden="true">
          {legend.map((l) => (
            <span key={l.label} className="legend-key">
              <span
                className={`legend-swatch ${l.shape === 'dashed' ? 'legend-swatch--dashed' : l.shape === 'box' ? 'legend-swatch--box' : ''}`}
                style={l.shape === 'dashed' ? undefined : { background: l.color }}
              />
              {l.label}
            </span>
          ))}
        </div>
      )}
    </figure>
  );
}

/** A tooltip body in the house style. */
export function TooltipCard({ title, rows }: { title: string; rows: { label: string; value: string; color?: string }[] }) {
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip__title">{title}</div>
      {rows.map((r) => (
        <div key={r.label} className="legend-key">
          {r.color && <span className="legend-swatch legend-swatch--box" style={{ background: r.color }} />}
          <span>
            {r.label}: <strong>{r.value}</strong>
          </span>
        </div>
      ))}
    </div>
  );
}
