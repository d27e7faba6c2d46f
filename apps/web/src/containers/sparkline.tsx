/**
 * A tiny line of recent values as SVG: one path whose `d` changes each second, so React
 * updates an attribute and nothing moves around it. It shows the shape (scaled to its
 * own peak); the text beside it gives the numbers, and its colour how near the limit.
 */
export function Sparkline({
  values,
  capacity,
  tone,
}: {
  values: readonly number[];
  capacity: number;
  tone: 'normal' | 'warning' | 'danger';
}) {
  // Drawn in a 100×16 box stretched to the cell; strokes keep their width.
  const width = 100;
  const height = 16;
  const step = width / Math.max(1, capacity - 1);
  const offset = (capacity - values.length) * step;
  // Headroom above the peak, so a flat line sits inside the box instead of on its edge.
  const top = Math.max(1, ...values) * 1.25;
  const points = values.map((value, index) => {
    const x = offset + index * step;
    const y = height - 1 - (value / top) * (height - 2);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = points.length > 1 ? `M${points.join('L')}` : '';
  const area = line ? `${line}L${width},${height}L${offset.toFixed(1)},${height}Z` : '';
  const color =
    tone === 'danger'
      ? 'var(--danger)'
      : tone === 'warning'
        ? 'var(--warning)'
        : 'var(--chart-anon)';
  return (
    <svg
      className="sparkline"
      width="100%"
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <rect width={width} height={height} rx={2} fill="var(--neutral-soft)" />
      <path d={area} fill={color} opacity={0.25} />
      <path
        d={line}
        fill="none"
        stroke={color}
        strokeWidth={1.5}
        strokeLinejoin="round"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
