/**
 * Splits a command line into arguments the way a POSIX shell would, without expanding
 * anything: whitespace separates; 'single quotes' are literal; "double quotes" allow \" \\
 * \$ and \`; a backslash outside quotes keeps the next character. Throws on an open quote.
 */
export function splitCommandLine(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArgument = false;
  let quote: '"' | "'" | null = null;

  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quote === "'") {
      if (char === "'") quote = null;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && /["\\$`]/.test(text[index + 1] ?? '')) current += text[++index];
      else current += char;
      continue;
    }
    if (/\s/.test(char)) {
      if (inArgument) args.push(current);
      current = '';
      inArgument = false;
      continue;
    }
    inArgument = true;
    if (char === "'" || char === '"') quote = char;
    else if (char === '\\' && index + 1 < text.length) current += text[++index];
    else current += char;
  }
  if (quote) throw new Error(`a ${quote === '"' ? 'double' : 'single'} quote is not closed`);
  if (inArgument) args.push(current);
  return args;
}
