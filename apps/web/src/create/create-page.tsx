'use client';

import { useSearchParams } from 'next/navigation';
import { PageHeader } from '~/ui/page-header';
import { CreateForm } from './create-form';

export function CreatePage() {
  const params = useSearchParams();
  return (
    <>
      <PageHeader
        title="Create a container"
        subtitle="Everything but the image is optional. Limits apply from the first instruction."
      />
      <CreateForm initialImage={params.get('image')} />
    </>
  );
}
