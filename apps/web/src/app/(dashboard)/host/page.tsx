import type { Metadata } from 'next';
import { HostPage } from '~/host/host-page';

export const metadata: Metadata = { title: 'Host' };

export default function Page() {
  return <HostPage />;
}
