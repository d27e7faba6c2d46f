import type { Metadata } from 'next';
import { NetworksPage } from '~/networks/networks-page';

export const metadata: Metadata = { title: 'Networks' };

export default function Page() {
  return <NetworksPage />;
}
