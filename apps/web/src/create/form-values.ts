import type { RestartPolicy } from '@cove/shared';

/** The create form as typed: every field a string or a switch, parsed only on the way out. */
export interface CreateFormValues {
  image: string;
  name: string;
  command: string;
  hostname: string;
  /** One KEY=VALUE per line. */
  env: string;
  /** One SRC:DST[:ro] per line. */
  volumes: string;
  workdir: string;
  user: string;
  memory: string;
  memorySwap: string;
  pids: string;
  cpus: string;
  cpuShares: string;
  /** Capability names, separated by spaces or commas. */
  capAdd: string;
  capDrop: string;
  /** One PATH[:OPTIONS] per line. */
  tmpfs: string;
  /** One HOST[:CONTAINER][:rwm] per line. */
  devices: string;
  oomScoreAdj: string;
  readOnly: boolean;
  /**
   * `--network`: the mode; for `container` the container whose network it joins, for
   * `user` the user-defined network it is on.
   */
  network: 'bridge' | 'none' | 'host' | 'container' | 'user';
  networkContainer: string;
  userNetwork: string;
  /** `--network-alias` on a user-defined network: names separated by commas or spaces. */
  networkAliases: string;
  /** `--ip` on a user-defined network; empty takes a free address. */
  networkIp: string;
  /** The published ports, one row each, as `-p HOSTPORT:CONTAINERPORT/PROTOCOL`. */
  ports: PortRow[];
  /** `-P`: every port the image exposes, each on a free host port. */
  publishAll: boolean;
  restart: RestartPolicy['name'];
  restartRetries: string;
  tty: boolean;
  autoRemove: boolean;
  start: boolean;
  openTerminal: boolean;
}

export type TextField = {
  [K in keyof CreateFormValues]: CreateFormValues[K] extends string ? K : never;
}[keyof CreateFormValues];

/** One row of the ports editor; an empty host port means a free one, picked at start. */
export interface PortRow {
  hostPort: string;
  containerPort: string;
  protocol: 'tcp' | 'udp';
}

export const emptyPortRow: PortRow = { hostPort: '', containerPort: '', protocol: 'tcp' };

/** The fields an error can be shown at: the text fields and the ports editor. */
export type ErrorField = TextField | 'ports';

/** Errors by field; `form` holds what belongs to no single field. */
export type FieldErrors = Partial<Record<ErrorField | 'form', string>>;

export const initialFormValues: CreateFormValues = {
  image: 'busybox',
  name: '',
  command: '',
  hostname: '',
  env: '',
  volumes: '',
  workdir: '',
  user: '',
  memory: '',
  memorySwap: '',
  pids: '',
  cpus: '',
  cpuShares: '',
  capAdd: '',
  capDrop: '',
  tmpfs: '',
  devices: '',
  oomScoreAdj: '',
  readOnly: false,
  network: 'bridge',
  networkContainer: '',
  userNetwork: '',
  networkAliases: '',
  networkIp: '',
  ports: [],
  publishAll: false,
  restart: 'no',
  restartRetries: '',
  tty: false,
  autoRemove: false,
  start: true,
  openTerminal: false,
};

/** What a section of the create form gets from the form: the values and their handlers. */
export interface SectionProps {
  values: CreateFormValues;
  set: <K extends keyof CreateFormValues>(field: K, value: CreateFormValues[K]) => void;
  text: (field: TextField) => {
    value: string;
    onChange: (event: { target: { value: string } }) => void;
    onBlur: () => void;
  };
  errorFor: (field: ErrorField) => string | undefined;
  touch: (field: ErrorField) => void;
}
