import type { ChartColors } from './chart-colors';
import type { EventMark } from './event-marks';
import type { StatsBuffer } from './stats-buffer';

/** What every graph of the stats panel gets: the samples, the window, marks and cursor. */
export interface ChartProps {
  buffer: StatsBuffer;
  /** Bumped on every appended sample: the buffer's columns change in place. */
  version: number;
  xRange: [number, number];
  marks: readonly EventMark[];
  colors: ChartColors;
  /** The sample under the shared cursor, or null. */
  hover: number | null;
  onHover: (index: number | null) => void;
  syncKey: string;
}
