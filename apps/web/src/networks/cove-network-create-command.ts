import { quoteShellWord } from '~/create/quote-shell-word';
import type { NetworkFormValues } from './network-form-values';

/** The `cove network create` line that makes the same network, as the form is typed. */
export function coveNetworkCreateCommand(values: NetworkFormValues): string {
  const args = ['cove', 'network', 'create'];
  const subnet = values.subnet.trim();
  const gateway = values.gateway.trim();
  if (subnet) args.push('--subnet', subnet);
  if (gateway) args.push('--gateway', gateway);
  if (values.internal) args.push('--internal');
  args.push(values.name.trim() || 'NAME');
  return args.map(quoteShellWord).join(' ');
}
