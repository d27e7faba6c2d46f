import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CreatePage } from '~/create/create-page';

export const metadata: Metadata = { title: 'Create a container' };

/** Suspense: the form reads `?image=` from the URL, known only in the browser. */
export default function Page() {
  return (
    <Suspense>
      <CreatePage />
    </Suspense>
  );
}
