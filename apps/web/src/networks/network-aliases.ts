/**
 * `--network-alias` values as one field holds them: separated by commas or spaces, so
 * `web, www` and `web www` both name two aliases.
 */
export function splitAliases(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A schema issue about the aliases, naming which one: they are typed in one field. */
export function aliasIssueMessage(index: number, message: string): string {
  return `alias ${index + 1}: ${message}`;
}
