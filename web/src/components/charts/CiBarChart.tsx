/**
 * Categories as bars with 95% CI error bars, a zero line and an optional target line:
 * horizontal (one row per category) or vertical. Takes data and config; never fetches.
 */
import { Bar, CartesianGrid, Cell, ComposedChart, ErrorBar, LabelList, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatInterval, formatValue, type Interval, type ValueKind } from '../../lib/format';
import { PALETTE } from '../../lib/palette';
import { niceTicks, trimZeros } from '../../lib/scale';
import { TooltipCard } from './ChartFrame';

export interface CiBar {
  label: string;
  value: number | null;
  ci?: Interval;
  color?: string;
  /** a line under the value in the tooltip, e.g. "n = 1,630" */
  note?: string;
}

export interface CiBarConfig {
  valueFormat: ValueKind;
  layout?: 'horizontal' | 'vertical';
  target?: { value: number; label: string } | null;
  reference?: number | null;
  /** values the axis must include besides the data (e.g. [0, 1]) */
  include?: number[];
  /** about how many ticks on the value axis (default 5) */
  tickCount?: number;
  height?: number;
  /** print the value at the end of each bar */
  showValues?: boolean;
  categoryWidth?: number;
}

/** Error-bar deltas (recharts wants [below, above] the value), null without a CI. */
export function errorDeltas(value: number | null, ci: Interval): [number, number] | null {
  if (value === null || !ci) return null;
  return [Math.max(0, value - ci[0]), Math.max(0, ci[1] - value)];
}

export function CiBarChart({ data, config }: { data: CiBar[]; config: CiBarConfig }) {
  const horizontal = (config.layout ?? 'horizontal') === 'horizontal';
  const fmt = (v: number) => formatValue(config.valueFormat, v);
  const rows = data.map((d) => ({ ...d, err: errorDeltas(d.value, d.ci) }));
  const height = config.height ?? (horizontal ? Math.max(120, 44 * data.length + 40) : 240);
  const scale = niceTicks(
    [
      ...data.flatMap((d) => [d.value, d.ci?.[0], d.ci?.[1]]),
      config.target?.value,
      config.reference,
      ...(config.include ?? []),
    ].filter((v): v is number => typeof v === 'number'),
    { includeZero: true, count: config.tickCount ?? 5 },
  );
  const valueAxis = { tickFormatter: (v: number) => trimZeros(fmt(v)), domain: scale.domain, ticks: scale.ticks, tickLine: false, axisLine: false, type: 'number' as const };
  const categoryAxis = { dataKey: 'label', type: 'category' as const, tickLine: false, axisLine: { stroke: PALETTE.grid }, interval: 0 as const };
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart data={rows} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 16, right: 48, bottom: 4, left: 4 }}>
        <CartesianGrid stroke={PALETTE.grid} horizontal={!horizontal} vertical={horizontal} />
        {horizontal ? (
          <>
            <XAxis {...valueAxis} />
            <YAxis {...categoryAxis} width={config.categoryWidth ?? 150} />
          </>
        ) : (
          <>
            <XAxis {...categoryAxis} />
            <YAxis {...valueAxis} width={56} />
          </>
        )}
        {config.reference !== undefined && config.reference !== null && (
          <ReferenceLine {...(horizontal ? { x: config.reference } : { y: config.reference })} stroke={PALETTE.axis} />
        )}
        {config.target && (
          <ReferenceLine
            {...(horizontal ? { x: config.target.value } : { y: config.target.value })}
            stroke={PALETTE.target}
            strokeDasharray="6 4"
            strokeWidth={1.5}
            ifOverflow="extendDomain"
            label={{ value: config.target.label, position: horizontal ? 'top' : 'insideTopRight', fontSize: 11.5, fill: PALETTE.target }}
          />
        )}
        <Bar dataKey="value" isAnimationActive={false} barSize={horizontal ? 22 : 44} radius={horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0]}>
          {rows.map((r) => (
            <Cell key={r.label} fill={r.color ?? PALETTE.primary} />
          ))}
          <ErrorBar dataKey="err" width={6} strokeWidth={1.6} stroke={PALETTE.text} direction={horizontal ? 'x' : 'y'} />
          {config.showValues && (
            <LabelList dataKey="value" position={horizontal ? 'right' : 'top'} formatter={(v: unknown) => (typeof v === 'number' ? fmt(v) : '')} style={{ fontSize: 12, fill: PALETTE.text, fontWeight: 600 }} offset={horizontal ? 10 : 8} />
          )}
        </Bar>
        <Tooltip
          cursor={{ fill: PALETTE.cursor }}
          content={({ active, payload }) => {
            if (!active || !payload?.length) return null;
            const r = payload[0]?.payload as (typeof rows)[number];
            const items = [{ label: 'Value', value: r.value === null ? '—' : fmt(r.value) }];
            if (r.ci) items.push({ label: '95% CI', value: formatInterval(r.ci, config.valueFormat) });
            if (r.note) items.push({ label: 'Sample', value: r.note });
            return <TooltipCard title={r.label} rows={items} />;
          }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
