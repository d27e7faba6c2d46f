import type { ContainerSummary } from '@cove/shared';

export type StateFilter = 'all' | 'running' | 'stopped';

/** Every word of the query must appear in the name, image, id or state (like a search box). */
export function matchesFilter(
  summary: ContainerSummary,
  query: string,
  state: StateFilter,
): boolean {
  const { record } = summary;
  const status = record.state.status;
  if (state === 'running' && status !== 'running' && status !== 'paused') return false;
  if (state === 'stopped' && (status === 'running' || status === 'paused')) return false;
  const haystack = `${record.name} ${record.spec.image} ${record.id} ${status}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
