import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ContainerPage } from '~/detail/container-page';

export const metadata: Metadata = { title: 'Container' };

/**
 * `/container?id=…` rather than a dynamic segment: the dashboard is a static export, and
 * the id is only known in the browser (hence the Suspense around the URL read).
 */
export default function Page() {
  return (
    <Suspense>
      <ContainerPage />
    </Suspense>
  );
}
