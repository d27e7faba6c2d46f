import type { Metadata } from 'next';
import { ContainersPage } from '~/containers/containers-page';

export const metadata: Metadata = { title: 'Containers' };

export default function Page() {
  return <ContainersPage />;
}
