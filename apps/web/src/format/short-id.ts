/** The 12-character prefix Docker users know; the CLI takes any unique prefix. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}
