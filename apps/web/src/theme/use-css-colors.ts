'use client';

import { useEffect, useState } from 'react';
import { readCssColors } from './css-colors';
import { useTheme } from './theme-provider';

/**
 * The named CSS colours, resolved for the current theme; null before the first paint.
 * `names` must keep its identity between renders (a module constant).
 */
export function useCssColors<const Names extends readonly string[]>(
  names: Names,
): Record<Names[number], string> | null {
  const { resolved } = useTheme();
  const [colors, setColors] = useState<Record<Names[number], string> | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `resolved` is the trigger: the same names resolve to other colours after a theme switch.
  useEffect(() => {
    setColors(readCssColors(names));
  }, [names, resolved]);
  return colors;
}
