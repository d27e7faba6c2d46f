import { type NetworkCreate, NetworkCreateSchema } from '@cove/shared';
import type { NetworkFormErrors, NetworkFormField, NetworkFormValues } from './network-form-values';

export type NetworkCreateResult =
  | { ok: true; request: NetworkCreate; errors: NetworkFormErrors }
  | { ok: false; errors: NetworkFormErrors };

const isField = (key: PropertyKey | undefined): key is NetworkFormField =>
  key === 'name' || key === 'subnet' || key === 'gateway';

/**
 * The form as `networks.create`'s request, checked with the schema the agent applies, so
 * its messages show before submit. A name already taken is refused here too, from the
 * list the page shows; what only the agent judges (host bits, overlaps) comes back from it.
 */
export function networkCreateRequest(
  values: NetworkFormValues,
  takenNames: readonly string[],
): NetworkCreateResult {
  const errors: NetworkFormErrors = {};
  const name = values.name.trim();
  const parsed = NetworkCreateSchema.safeParse({
    name,
    subnet: values.subnet.trim() || undefined,
    gateway: values.gateway.trim() || undefined,
    internal: values.internal,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first] = issue.path;
      errors[isField(first) ? first : 'form'] ??= issue.message;
    }
  }
  if (!errors.name && takenNames.includes(name)) {
    errors.name = `a network named ${name} already exists`;
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request: parsed.data, errors };
}
