/**
 * The agent's structured log: one line per event on stderr, JSON when stderr is not a
 * terminal (for journald and log shippers), `time event key=value` when a person reads it.
 * Internal details (paths, stacks) go here, never to API clients.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function createLogger(stream: NodeJS.WriteStream = process.stderr): Logger {
  const json = !stream.isTTY;
  const write = (level: string, event: string, fields: LogFields = {}) => {
    const time = new Date().toISOString();
    if (json) {
      stream.write(`${JSON.stringify({ time, level, event, ...fields })}\n`);
      return;
    }
    const pairs = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(
        ([key, value]) =>
          `${key}=${typeof value === 'string' && value.includes(' ') ? JSON.stringify(value) : value}`,
      );
    stream.write(
      `${time} ${level === 'info' ? '' : `${level.toUpperCase()} `}${event} ${pairs.join(' ')}\n`,
    );
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
