import { CliError } from './cli-error.js';

export interface FlagSpec {
  long: string;
  short?: string;
  /** Takes a value (`--name x`, `--name=x`, `-e K=V`); otherwise a boolean switch. */
  value?: boolean;
  repeatable?: boolean;
}

export interface ParsedFlags {
  flags: Map<string, string[]>;
  /** Everything from the first argument that is not a flag, untouched. */
  rest: string[];
}

/**
 * Docker-style flags: `--long`, `--long=value`, `-s value`, grouped switches `-it`.
 * Parsing stops at the first non-flag (the image, for run), so the container's own
 * command keeps its flags. An unknown flag is an error that names it.
 */
export function parseFlags(command: string, args: string[], specs: FlagSpec[]): ParsedFlags {
  const flags = new Map<string, string[]>();
  const set = (spec: FlagSpec, value: string) => {
    const values = flags.get(spec.long) ?? [];
    if (values.length && !spec.repeatable) values.length = 0;
    values.push(value);
    flags.set(spec.long, values);
  };
  const who = command ? `cove ${command}` : 'cove';
  const unknown = (flag: string) =>
    new CliError(`${who}: unknown flag: ${flag} (see ${who} --help)`);

  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const takeValue = (spec: FlagSpec, inline: string | undefined) => {
      if (inline !== undefined) return set(spec, inline);
      const next = args[++index];
      if (next === undefined) throw new CliError(`${who}: flag --${spec.long} needs a value`);
      set(spec, next);
    };
    if (arg.startsWith('--')) {
      const [name = '', inline] = splitOnce(arg.slice(2), '=');
      const spec = specs.find((s) => s.long === name);
      if (!spec) throw unknown(`--${name}`);
      if (spec.value) takeValue(spec, inline);
      else if (inline !== undefined) throw new CliError(`${who}: flag --${name} takes no value`);
      else set(spec, 'true');
      continue;
    }
    const letters = arg.slice(1);
    for (let i = 0; i < letters.length; i++) {
      const spec = specs.find((s) => s.short === letters[i]);
      if (!spec) throw unknown(`-${letters[i]}`);
      if (spec.value) {
        const inline = letters.slice(i + 1).replace(/^=/, '');
        takeValue(spec, inline === '' ? undefined : inline);
        break;
      }
      set(spec, 'true');
    }
  }
  return { flags, rest: args.slice(index) };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
