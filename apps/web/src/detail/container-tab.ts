export const containerTabs = [
  { id: 'overview', label: 'Overview' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'logs', label: 'Logs' },
  { id: 'start', label: 'Start' },
  { id: 'inspect', label: 'Inspect' },
] as const;

export type ContainerTab = (typeof containerTabs)[number]['id'];

export function parseContainerTab(value: string | null): ContainerTab {
  return containerTabs.find((tab) => tab.id === value)?.id ?? 'overview';
}
