/** Chart colours (SVG attributes cannot read CSS variables everywhere); mirrors styles.css. */
export const PALETTE = {
  series: ['#2d4fd7', '#0ea5a4', '#f59e0b', '#a855f7', '#ef4444', '#64748b'],
  primary: '#2d4fd7',
  primarySoft: '#c7d2fe',
  good: '#16a34a',
  goodSoft: '#bbf7d0',
  bad: '#dc2626',
  badSoft: '#fecaca',
  warn: '#d97706',
  neutral: '#94a3b8',
  grid: '#e5e7eb',
  axis: '#6b7280',
  text: '#111827',
  target: '#111827',
  /** the band behind the hovered bar (tooltip cursor): primary at 6% */
  cursor: 'rgba(45,79,215,0.06)',
} as const;
