import { splitAliases } from '~/networks/network-aliases';
import { capabilityNames } from './capability-names';
import type { CreateFormValues } from './form-values';
import { portFlag } from './port-flag';
import { quoteShellWord } from './quote-shell-word';
import { splitCommandLine } from './split-command-line';

/**
 * The `cove run` command line that creates the same container: people learn the CLI
 * from the form, and can paste it into a script. Values are shown as typed (`64m`).
 */
export function coveRunCommand(values: CreateFormValues): string {
  const args: string[] = ['cove', 'run'];
  const flag = (name: string, value: string) => {
    const trimmed = value.trim();
    if (trimmed) args.push(name, trimmed);
  };
  if (values.start) args.push('-d');
  if (values.autoRemove) args.push('--rm');
  if (values.tty) args.push('-it');
  flag('--name', values.name);
  flag('-h', values.hostname);
  for (const line of lines(values.env)) args.push('-e', line);
  for (const line of lines(values.volumes)) args.push('-v', line);
  flag('-w', values.workdir);
  flag('-u', values.user);
  flag('-m', values.memory);
  flag('--memory-swap', values.memorySwap);
  flag('--pids', values.pids);
  flag('--cpus', values.cpus);
  flag('-c', values.cpuShares);
  for (const name of capabilityNames(values.capAdd)) args.push('--cap-add', name);
  for (const name of capabilityNames(values.capDrop)) args.push('--cap-drop', name);
  if (values.readOnly) args.push('--read-only');
  for (const line of lines(values.tmpfs)) args.push('--tmpfs', line);
  for (const line of lines(values.devices)) args.push('--device', line);
  flag('--oom-score-adj', values.oomScoreAdj);
  // The bridge is the default, as in Docker: only the other modes are spelled out.
  if (values.network === 'container') {
    args.push('--network', `container:${values.networkContainer.trim() || 'NAME'}`);
  } else if (values.network === 'user') {
    args.push('--network', values.userNetwork);
    for (const alias of splitAliases(values.networkAliases)) args.push('--network-alias', alias);
    flag('--ip', values.networkIp);
  } else if (values.network !== 'bridge') {
    args.push('--network', values.network);
  }
  if (values.network === 'bridge' || values.network === 'user') {
    for (const row of values.ports) if (row.containerPort.trim()) args.push('-p', portFlag(row));
    if (values.publishAll) args.push('-P');
  }
  if (values.restart !== 'no') {
    const retries = values.restartRetries.trim();
    args.push(
      '--restart',
      values.restart === 'on-failure' && retries ? `on-failure:${retries}` : values.restart,
    );
  }
  args.push(values.image.trim() || 'IMAGE');
  const words = args.map(quoteShellWord);
  try {
    words.push(...splitCommandLine(values.command).map(quoteShellWord));
  } catch {
    words.push(values.command.trim());
  }
  return words.join(' ');
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
