'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/api/trpc';
import { AlertIcon } from '~/ui/icons';

/** The list's way to the failed starts, with how many the agent keeps (shown once there are some). */
export function FailedStartsLink() {
  const trpc = useTRPC();
  const failed = useQuery({
    ...trpc.containers.failedStarts.queryOptions(),
    refetchInterval: 15_000,
    select: (traces) => traces.length,
  });
  return (
    <Link href="/starts" className="button" data-testid="failed-starts-link">
      <AlertIcon size={16} />
      Failed starts
      {failed.data ? <span className="numeric"> ({failed.data})</span> : null}
    </Link>
  );
}
