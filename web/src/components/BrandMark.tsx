/** Sextant's logo mark (decorative: the name is always written beside it). */
export function BrandMark({ size, fill }: { size: number; fill: string }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill={fill} />
      <path d="M7 24 L16 7 L25 24" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinejoin="round" />
      <path d="M10 19 A9 9 0 0 1 22 19" fill="none" stroke="#7dd3fc" strokeWidth="2.2" />
    </svg>
  );
}
