/**
 * Adoption vs target of the epics in the review, as a plain SVG (it prints sharp and needs no
 * chart library): a bar per epic, its target as a tick, the verdict in words beside it.
 */
import type { ReviewEpic } from '../../../../../shared/monthly-review';
import { formatPercent } from '../../../lib/format';

const ROW = 30;
const LABEL = 190;
const WIDTH = 640;
const RIGHT = 150;

export function AdoptionChart({ epics, title }: { epics: ReviewEpic[]; title: string }) {
  const rows = epics.filter((e) => e.adoptionRate !== null);
  if (rows.length === 0) return null;
  const max = Math.max(0.05, ...rows.map((e) => Math.max(e.adoptionRate ?? 0, e.adoptionTarget ?? 0))) * 1.1;
  const plot = WIDTH - LABEL - RIGHT;
  const x = (v: number) => LABEL + (v / max) * plot;
  const height = rows.length * ROW + 34;
  const ticks = [0, max / 4, max / 2, (3 * max) / 4].map((t) => Number(t.toFixed(3)));
  return (
    <figure className="review-chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={`${title}: ${rows.map((e) => `${e.title} ${formatPercent(e.adoptionRate)}${e.adoptionTarget !== null ? ` vs target ${formatPercent(e.adoptionTarget)}` : ''}`).join('; ')}`}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={4} y2={height - 26} stroke="#e3e7ef" />
            <text x={x(t)} y={height - 10} fontSize="11" textAnchor="middle" fill="#6b7280">
              {formatPercent(t)}
            </text>
          </g>
        ))}
        {rows.map((e, i) => {
          const y = 8 + i * ROW;
          const tone = e.verdict === 'met' ? '#15803d' : e.verdict === 'missed' ? '#b42318' : '#64748b';
          return (
            <g key={e.epicId}>
              <text x={LABEL - 8} y={y + 14} fontSize="12" textAnchor="end" fill="#111827">
                {e.title.length > 28 ? `${e.title.slice(0, 27)}…` : e.title}
              </text>
              <rect x={LABEL} y={y + 3} width={Math.max(1, x(e.adoptionRate ?? 0) - LABEL)} height={ROW - 12} rx={3} fill={tone} opacity={0.85} />
              {e.adoptionTarget !== null && <line x1={x(e.adoptionTarget)} x2={x(e.adoptionTarget)} y1={y} y2={y + ROW - 6} stroke="#111827" strokeWidth={2} strokeDasharray="3 2" />}
              <text x={WIDTH - RIGHT + 8} y={y + 14} fontSize="12" fill="#111827">
                {formatPercent(e.adoptionRate)} · {e.verdict.replace('_', ' ')}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">{title}. Bars: adoption (adopters ÷ active users in the window); dashed line: the adoption target.</figcaption>
    </figure>
  );
}
