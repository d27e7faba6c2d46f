import { readFileSync } from 'node:fs';
import type { SeccompSetting } from '@cove/shared';
import { CliError } from './cli-error.js';

/**
 * Docker's `--security-opt` values Cove takes: `seccomp=PROFILE.json` and
 * `seccomp=unconfined` (`seccomp:` too, Docker's older spelling; the last one given wins),
 * and `no-new-privileges` (`:true` too), which Cove always applies: accepted so Docker
 * command lines run unchanged. The profile file is read here, on the caller's side, as
 * the docker client does: the engine gets its content.
 */
export function parseSecurityOpts(options: string[]): { seccomp?: SeccompSetting } {
  let seccomp: SeccompSetting | undefined;
  for (const option of options) {
    if (/^no-new-privileges(?:[=:]true)?$/.test(option)) continue;
    const value = /^seccomp[=:](.+)$/.exec(option)?.[1];
    if (value === undefined) {
      throw new CliError(
        `--security-opt ${option}: only seccomp=PROFILE.json, seccomp=unconfined and no-new-privileges are supported`,
      );
    }
    seccomp = value === 'unconfined' ? 'unconfined' : { profile: readProfile(value) };
  }
  return { seccomp };
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
