/**
 * Resolves CSS custom properties to concrete colours for canvas drawing. The properties
 * use light-dark(), which only a styled element can resolve, so a hidden probe element
 * takes each one as its colour and the computed style reports the result.
 */
export function readCssColors<const Names extends readonly string[]>(
  names: Names,
): Record<Names[number], string> {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  const colors = {} as Record<Names[number], string>;
  for (const name of names) {
    probe.style.color = `var(${name})`;
    colors[name as Names[number]] = getComputedStyle(probe).color;
  }
  probe.remove();
  return colors;
}
