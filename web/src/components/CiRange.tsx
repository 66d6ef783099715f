/**
 * A one-line forest plot: the point estimate, its 95% CI as a whisker, the zero line and
 * the target as ticks. Decorative (aria-hidden): the figures are always printed beside it.
 */
import { ciVerdict, type Interval } from '../lib/format';

export interface CiRangeConfig {
  /** the value range the plot spans; widened to include every mark */
  domain?: [number, number];
  /** a reference line, usually 0 for changes */
  reference?: number | null;
  target?: number | null;
  /** which side of the target is good */
  targetOp?: '>=' | '<=';
  width?: number;
}

/** Where marks fall on a `width`-pixel axis: the domain widened to include them, with a margin. */
export function ciGeometry(point: number | null, ci: Interval, cfg: CiRangeConfig): {
  x(v: number): number;
  lo: number;
  hi: number;
} {
  const width = cfg.width ?? 120;
  const pad = 6;
  const marks = [point, ci?.[0], ci?.[1], cfg.target, cfg.reference].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  let lo = Math.min(...marks, ...(cfg.domain ? [cfg.domain[0]] : []));
  let hi = Math.max(...marks, ...(cfg.domain ? [cfg.domain[1]] : []));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    hi = lo + 1;
    lo = lo - 1;
  }
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * (width - 2 * pad);
  return { x, lo, hi };
}

export function CiRange({ point, ci, config }: { point: number | null; ci: Interval; config: CiRangeConfig }) {
  if (point === null || !Number.isFinite(point)) return null;
  const width = config.width ?? 120;
  const height = 22;
  const mid = height / 2;
  const { x } = ciGeometry(point, ci, config);
  const side = ciVerdict(ci, config.reference ?? 0);
  const tone =
    config.target !== undefined && config.target !== null
      ? (config.targetOp === '<=' ? point <= config.target : point >= config.target)
        ? 'good'
        : 'bad'
      : side === 'above'
        ? 'good'
        : side === 'below'
          ? 'bad'
          : 'neutral';
  return (
    <svg className={`ci-range ci-range--${tone}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      <line className="ci-range__axis" x1={4} x2={width - 4} y1={mid} y2={mid} />
      {config.reference !== undefined && config.reference !== null && (
        <line className="ci-range__reference" x1={x(config.reference)} x2={x(config.reference)} y1={3} y2={height - 3} />
      )}
      {config.target !== undefined && config.target !== null && (
        <g className="ci-range__target">
          <line x1={x(config.target)} x2={x(config.target)} y1={1} y2={height - 1} />
        </g>
      )}
      {ci && (
        <g className="ci-range__whisker">
          <line x1={x(ci[0])} x2={x(ci[1])} y1={mid} y2={mid} />
          <line x1={x(ci[0])} x2={x(ci[0])} y1={mid - 4} y2={mid + 4} />
          <line x1={x(ci[1])} x2={x(ci[1])} y1={mid - 4} y2={mid + 4} />
        </g>
      )}
      <circle className="ci-range__point" cx={x(point)} cy={mid} r={4} />
    </svg>
  );
}
