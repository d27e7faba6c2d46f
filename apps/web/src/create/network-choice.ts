import type { CreateFormValues } from './form-values';

type NetworkFields = Pick<CreateFormValues, 'network' | 'userNetwork'>;

/** A user-defined network's option: prefixed, as one may well be called `container`. */
const userPrefix = 'user:';

/** The network select's value for the form's choice. */
export function networkChoice(values: NetworkFields): string {
  return values.network === 'user' ? `${userPrefix}${values.userNetwork}` : values.network;
}

export function userNetworkChoice(name: string): string {
  return `${userPrefix}${name}`;
}

/** The form's fields for an option of the network select. */
export function fieldsOfChoice(choice: string): NetworkFields {
  if (choice.startsWith(userPrefix)) {
    return { network: 'user', userNetwork: choice.slice(userPrefix.length) };
  }
  return { network: choice as Exclude<CreateFormValues['network'], 'user'>, userNetwork: '' };
}
