import { type NetworkConnect, NetworkConnectSchema } from '@cove/shared';
import { aliasIssueMessage, splitAliases } from '~/networks/network-aliases';

export type NetworkConnectResult =
  | { ok: true; request: NetworkConnect }
  | { ok: false; error: string | undefined };

/**
 * The connect form as `networks.connect`'s request, checked with the agent's schema: the
 * first problem is the form's one message. No network chosen yet is no message.
 */
export function networkConnectRequest(
  container: string,
  network: string,
  aliasesText: string,
): NetworkConnectResult {
  if (!network) return { ok: false, error: undefined };
  const parsed = NetworkConnectSchema.safeParse({
    network,
    container,
    aliases: splitAliases(aliasesText),
  });
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  const [first, index] = issue?.path ?? [];
  return {
    ok: false,
    error:
      first === 'aliases' && typeof index === 'number'
        ? aliasIssueMessage(index, issue?.message ?? '')
        : issue?.message,
  };
}
