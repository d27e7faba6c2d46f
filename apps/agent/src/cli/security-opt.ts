import { readFileSync } from 'node:fs';
import type { SeccompSetting } from '@cove/shared';
import { CliError } from './cli-error.js';

/**
 * Docker's `--security-opt seccomp=PROFILE.json` and `seccomp=unconfined` (`seccomp:` too,
 * Docker's older spelling); the last one given wins. The profile file is read here, on
 * the caller's side, as the docker client does: the engine gets its content.
 */
export function seccompFromSecurityOpts(options: string[]): SeccompSetting | undefined {
  let setting: SeccompSetting | undefined;
  for (const option of options) {
    const value = /^seccomp[=:](.+)$/.exec(option)?.[1];
    if (value === undefined) {
      throw new CliError(
        `--security-opt ${option}: only seccomp=PROFILE.json and seccomp=unconfined are supported`,
      );
    }
    setting = value === 'unconfined' ? 'unconfined' : { profile: readProfile(value) };
  }
  return setting;
}

function readProfile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(
      `--security-opt seccomp=${path}: cannot read the profile: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let profile: unknown;
  try {
    profile = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `--security-opt seccomp=${path}: the profile is not JSON: ${(error as Error).message}`,
    );
  }
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new CliError(`--security-opt seccomp=${path}: the profile must be a JSON object`);
  }
  return profile as Record<string, unknown>;
}
