import type { PortRow } from './form-values';

/** A row of the ports editor as `-p` writes it: `8080:80`, `80`, `5353:53/udp`. */
export function portFlag(row: PortRow): string {
  const hostPort = row.hostPort.trim();
  const protocol = row.protocol === 'udp' ? '/udp' : '';
  return `${hostPort ? `${hostPort}:` : ''}${row.containerPort.trim()}${protocol}`;
}
