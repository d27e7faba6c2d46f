'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ComponentType } from 'react';
import { useTRPC } from '~/api/trpc';
import { ThemeToggle } from '~/theme/theme-toggle';
import { CoveLogo } from '~/ui/cove-logo';
import {
  ContainersIcon,
  HostIcon,
  ImagesIcon,
  NetworksIcon,
  PlusIcon,
  VolumesIcon,
} from '~/ui/icons';
import { ConnectionStatus } from './connection-status';
import styles from './sidebar.module.css';
import { SignOutButton } from './sign-out-button';

interface NavItem {
  href: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  /** Other paths that belong to this item (a container's page belongs to Containers). */
  also?: string[];
}

const navItems: NavItem[] = [
  { href: '/', label: 'Containers', icon: ContainersIcon, also: ['/container', '/starts'] },
  { href: '/create', label: 'Create', icon: PlusIcon },
  { href: '/images', label: 'Images', icon: ImagesIcon },
  { href: '/networks', label: 'Networks', icon: NetworksIcon },
  { href: '/volumes', label: 'Volumes', icon: VolumesIcon },
  { href: '/host', label: 'Host', icon: HostIcon },
];

export function Sidebar() {
  const pathname = usePathname();
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 60_000 }));

  return (
    <aside className={styles.sidebar}>
      <Link href="/" className={styles.brand}>
        <CoveLogo size={28} />
        <span className={styles.brandText}>
          <strong>Cove</strong>
          <span className={styles.host} title="The host this agent manages">
            {info.data?.hostname ?? '\u00a0'}
          </span>
        </span>
      </Link>
      <nav aria-label="Main">
        <ul className={styles.nav}>
          {navItems.map((item) => {
            const active =
              normalize(pathname) === item.href || (item.also ?? []).includes(normalize(pathname));
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className={styles.navLink}
                  aria-current={active ? 'page' : undefined}
                >
                  <item.icon size={17} />
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className={styles.footer}>
        <ConnectionStatus />
        <ThemeToggle />
        <SignOutButton />
        {info.data ? <div className={styles.version}>Cove {info.data.version}</div> : null}
      </div>
    </aside>
  );
}

/** `/images/` and `/images` are the same page (static hosts differ on the slash). */
function normalize(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
}
