/** The largest value of the columns over the samples whose x is at least `fromX`. */
export function visibleMax(
  x: readonly number[],
  columns: readonly (readonly (number | null)[])[],
  fromX: number,
): number {
  let max = 0;
  for (let index = x.length - 1; index >= 0 && (x[index] as number) >= fromX; index--) {
    for (const column of columns) {
      const value = column[index];
      if (value != null && value > max) max = value;
    }
  }
  return max;
}
