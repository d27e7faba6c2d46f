/** The network create form as typed: parsed only on the way out. */
export interface NetworkFormValues {
  name: string;
  /** Empty: the agent picks a free /24. */
  subnet: string;
  /** Empty: the subnet's first address. */
  gateway: string;
  internal: boolean;
}

export type NetworkFormField = 'name' | 'subnet' | 'gateway';

/** Errors by field; `form` holds what belongs to no single field. */
export type NetworkFormErrors = Partial<Record<NetworkFormField | 'form', string>>;

export const initialNetworkFormValues: NetworkFormValues = {
  name: '',
  subnet: '',
  gateway: '',
  internal: false,
};
