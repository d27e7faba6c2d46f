import { errorMessage } from '~/api/trpc-error';
import { Banner } from './banner';

/** A query that failed: what could not be loaded, the agent's reason, and a way to try again. */
export function LoadFailedBanner({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <Banner
      tone="danger"
      title={title}
      action={
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      }
    >
      {errorMessage(error)}
    </Banner>
  );
}
