import type { NetworkMember } from '@cove/shared';
import Link from 'next/link';
import styles from './networks-page.module.css';

/**
 * The containers on a network, each a link to its page, with its address there while
 * it runs and the aliases it answers to beside its name.
 */
export function NetworkMembers({ members }: { members: readonly NetworkMember[] }) {
  if (members.length === 0) return <span className="muted">none</span>;
  return (
    <ul className={styles.members}>
      {members.map((member) => (
        <li key={member.id} data-testid="network-member" data-name={member.name}>
          <Link href={`/container?id=${member.id}`}>{member.name}</Link>
          {member.address ? (
            <span className="mono" data-testid="network-member-address">
              {member.address}
            </span>
          ) : (
            <span className="muted">{member.running ? 'no address' : 'stopped'}</span>
          )}
          {member.aliases.length > 0 ? (
            <span className="muted" data-testid="network-member-aliases">
              alias {member.aliases.join(', ')}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
