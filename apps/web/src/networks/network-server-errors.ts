import { errorMessage } from '~/api/trpc-error';
import type { NetworkFormErrors } from './network-form-values';

/**
 * Places the agent's answer to a create next to the field it is about: its messages
 * name the flag (`--subnet ...`, `--gateway ...`) as `cove network create` would, or
 * the name that is taken. Anything else is the form's.
 */
export function networkServerErrors(error: unknown): NetworkFormErrors {
  const message = errorMessage(error);
  if (/^(--subnet|invalid (network )?subnet)\b/.test(message)) return { subnet: message };
  if (/^(--gateway|invalid (network )?gateway)\b/.test(message)) return { gateway: message };
  if (/^network \S+ already exists|^invalid (network )?name\b/.test(message)) {
    return { name: message };
  }
  return { form: message };
}
