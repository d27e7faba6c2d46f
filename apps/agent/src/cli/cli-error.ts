/**
 * A failure the CLI reports in one line and exits with: 125 for Cove's own errors (as
 * `docker run` does), 126/127 for a command that cannot run, the agent's code otherwise.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 125,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
