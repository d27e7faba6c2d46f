/** Quotes one argument for a POSIX shell, only when it needs it: `web`, `'a b'`, `'it'\''s'`. */
export function quoteShellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
