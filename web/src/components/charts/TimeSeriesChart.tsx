/**
 * Values over days (or weeks): lines and areas, an optional shaded CI band, horizontal
 * reference lines (targets, zero) and vertical markers (a ship day). Takes data and config; never fetches.
 */
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatDayMonth, formatInterval, formatValue, type ValueKind } from '../../lib/format';
import { PALETTE } from '../../lib/palette';
import { niceTicks, trimZeros } from '../../lib/scale';
import { TooltipCard } from './ChartFrame';

export interface TimeSeriesConfig<Row> {
  x: keyof Row & string;
  series: { key: keyof Row & string; label: string; color: string; kind?: 'line' | 'area'; dashed?: boolean }[];
  /** a shaded band between two keys (a 95% CI) */
  band?: { low: keyof Row & string; high: keyof Row & string; label: string; color: string };
  yFormat: ValueKind;
  yLabel?: string;
  /** values the y axis must include (e.g. 0), and limits it never passes (e.g. CSAT 1–5) */
  yInclude?: number[];
  yClamp?: [number, number];
  references?: { y: number; label: string; color?: string }[];
  markers?: { x: string; label: string }[];
  shaded?: { from: string; to: string; label: string }[];
  height?: number;
  /** how to print the x value in the tooltip */
  xFormat?: (x: string) => string;
}

export function TimeSeriesChart<Row extends Record<string, unknown>>({ data, config }: { data: Row[]; config: TimeSeriesConfig<Row> }) {
  const fmtY = (v: number) => formatValue(config.yFormat, v);
  const band = config.band;
  const rows: Record<string, unknown>[] = band
    ? data.map((r) => {
        const lo = r[band.low];
        const hi = r[band.high];
        return { ...r, __band: typeof lo === 'number' && typeof hi === 'number' ? [lo, hi] : null };
      })
    : data;
  const values: number[] = [];
  for (const r of data) {
    for (const s of config.series) if (typeof r[s.key] === 'number') values.push(r[s.key] as number);
    if (band) for (const k of [band.low, band.high]) if (typeof r[k] === 'number') values.push(r[k] as number);
  }
  for (const ref of config.references ?? []) values.push(ref.y);
  const scale = niceTicks([...values, ...(config.yInclude ?? [])], { count: 5, clamp: config.yClamp });
  return (
    <ResponsiveContainer width="100%" height={config.height ?? 240}>
      <ComposedChart data={rows} margin={{ top: 12, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid stroke={PALETTE.grid} vertical={false} />
        <XAxis dataKey={config.x as string} tickFormatter={(v: string) => formatDayMonth(String(v))} minTickGap={28} tickLine={false} axisLine={{ stroke: PALETTE.grid }} />
        <YAxis
          tickFormatter={(v: number) => trimZeros(fmtY(v))}
          width={config.yFormat === 'pp' ? 70 : 56}
          domain={scale.domain}
          ticks={scale.ticks}
          allowDataOverflow
          tickLine={false}
          axisLine={false}
          label={config.yLabel ? { value: config.yLabel, angle: -90, position: 'insideLeft', offset: 10, style: { textAnchor: 'middle' } } : undefined}
        />
        {config.shaded?.map((s) => (
          <ReferenceArea key={s.label} x1={s.from} x2={s.to} fill={PALETTE.neutral} fillOpacity={0.08} label={{ value: s.label, position: 'insideTop', fontSize: 11, fill: PALETTE.axis }} />
        ))}
        {band && <Area dataKey="__band" stroke="none" fill={band.color} fillOpacity={0.18} isAnimationActive={false} name={band.label} activeDot={false} connectNulls />}
        {config.series.map((s) =>
          s.kind === 'area' ? (
            <Area key={s.key} dataKey={s.key as string} name={s.label} stroke={s.color} fill={s.color} fillOpacity={0.12} strokeWidth={2} isAnimationActive={false} dot={false} />
          ) : (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '5 4' : undefined}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ),
        )}
        {config.references?.map((r) => (
          <ReferenceLine
            key={r.label}
            y={r.y}
            stroke={r.color ?? PALETTE.target}
            strokeDasharray="6 4"
            strokeWidth={1.5}
            ifOverflow="extendDomain"
            label={{ value: r.label, position: 'insideTopRight', fontSize: 11.5, fill: r.color ?? PALETTE.target }}
          />
        ))}
        {config.markers?.map((m) => (
          <ReferenceLine key={`${m.x}-${m.label}`} x={m.x} stroke={PALETTE.axis} strokeDasharray="3 3" label={{ value: m.label, position: 'insideTopLeft', fontSize: 11.5, fill: PALETTE.axis }} />
        ))}
        <Tooltip
          content={({ active, payload, label }) => {
            if (!active || !payload?.length) return null;
            const row = payload[0]?.payload as Row & { __band?: [number, number] | null };
            const x = String(label ?? '');
            const items = config.series
              .filter((s) => typeof row[s.key] === 'number')
              .map((s) => ({ label: s.label, value: fmtY(row[s.key] as number), color: s.color }));
            if (band && row.__band) items.push({ label: band.label, value: formatInterval(row.__band, config.yFormat), color: band.color });
            return <TooltipCard title={config.xFormat ? config.xFormat(x) : formatDate(x)} rows={items} />;
          }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
