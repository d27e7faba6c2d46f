import type { TraceStep } from '@cove/shared';

/** The steps of one group (namespaces, root filesystem...), and the time they span. */
export interface StepGroup {
  name: string;
  /** Indexes into the trace's steps, in time order. */
  steps: number[];
  at: number;
  end: number;
  failed: boolean;
}

/** Groups in the order they begin; a group's steps need not be next to each other. */
export function groupSteps(steps: readonly TraceStep[]): StepGroup[] {
  const groups = new Map<string, StepGroup>();
  steps.forEach((step, index) => {
    const end = step.at + step.ms;
    const group = groups.get(step.group);
    if (!group) {
      groups.set(step.group, {
        name: step.group,
        steps: [index],
        at: step.at,
        end,
        failed: Boolean(step.failed),
      });
      return;
    }
    group.steps.push(index);
    group.at = Math.min(group.at, step.at);
    group.end = Math.max(group.end, end);
    group.failed ||= Boolean(step.failed);
  });
  return [...groups.values()].sort((a, b) => a.at - b.at);
}

/** `1.27 ms`, `0.04 ms`, `312 ms`: two decimals below 100 ms, none above. */
export function formatMs(ms: number): string {
  return `${ms < 100 ? ms.toFixed(2) : Math.round(ms)} ms`;
}
