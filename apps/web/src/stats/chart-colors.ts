/** The CSS colours the charts draw with (see globals.css), resolved per theme. */
export const chartColorNames = [
  '--chart-anon',
  '--chart-file',
  '--chart-current',
  '--chart-limit',
  '--chart-pids',
  '--chart-cpu',
  '--chart-rx',
  '--chart-tx',
  '--chart-grid',
  '--chart-axis',
] as const;

export type ChartColors = Record<(typeof chartColorNames)[number], string>;

/** `rgb(1, 2, 3)` at the given opacity, for area fills under a line. */
export function withAlpha(color: string, alpha: number): string {
  const match = /^rgba?\(([^)]+)\)$/.exec(color);
  if (!match?.[1]) return color;
  const [r, g, b] = match[1].split(/[\s,/]+/);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
