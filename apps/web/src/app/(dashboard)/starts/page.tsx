import type { Metadata } from 'next';
import { FailedStartsPage } from '~/trace/failed-starts-page';

export const metadata: Metadata = { title: 'Failed starts' };

export default function Page() {
  return <FailedStartsPage />;
}
