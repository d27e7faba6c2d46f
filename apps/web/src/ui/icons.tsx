import type { ReactNode, SVGProps } from 'react';

/** Line icons on a 24-unit grid, drawn in the current text colour. */
function Icon({ children, size = 16, ...props }: SVGProps<SVGSVGElement> & { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  );
}

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

const make = (name: string, paths: ReactNode) => {
  const component = (props: IconProps) => <Icon {...props}>{paths}</Icon>;
  component.displayName = name;
  return component;
};

export const ContainersIcon = make(
  'ContainersIcon',
  <>
    <path d="M3 7.5 12 3l9 4.5-9 4.5-9-4.5Z" />
    <path d="M3 12l9 4.5 9-4.5" />
    <path d="M3 16.5 12 21l9-4.5" />
  </>,
);
export const PlusIcon = make('PlusIcon', <path d="M12 5v14M5 12h14" />);
export const ImagesIcon = make(
  'ImagesIcon',
  <>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <path d="M3 9h18M8 4v5" />
  </>,
);
export const HostIcon = make(
  'HostIcon',
  <>
    <rect x="3" y="4" width="18" height="7" rx="1.5" />
    <rect x="3" y="13" width="18" height="7" rx="1.5" />
    <path d="M7 7.5h.01M7 16.5h.01" />
  </>,
);
export const NetworksIcon = make(
  'NetworksIcon',
  <>
    <rect x="9" y="3" width="6" height="5" rx="1" />
    <rect x="3" y="16" width="6" height="5" rx="1" />
    <rect x="15" y="16" width="6" height="5" rx="1" />
    <path d="M12 8v4M6 16v-4h12v4" />
  </>,
);
export const VolumesIcon = make(
  'VolumesIcon',
  <>
    <ellipse cx="12" cy="6" rx="7" ry="3" />
    <path d="M5 6v12c0 1.66 3.13 3 7 3s7-1.34 7-3V6M5 12c0 1.66 3.13 3 7 3s7-1.34 7-3" />
  </>,
);
export const PlayIcon = make('PlayIcon', <path d="M7 4.5v15l12-7.5-12-7.5Z" />);
export const StopIcon = make('StopIcon', <rect x="6" y="6" width="12" height="12" rx="1.5" />);
export const PauseIcon = make('PauseIcon', <path d="M9 5v14M15 5v14" />);
export const RestartIcon = make(
  'RestartIcon',
  <>
    <path d="M20 12a8 8 0 1 1-2.34-5.66" />
    <path d="M20 4v5h-5" />
  </>,
);
export const KillIcon = make('KillIcon', <path d="M13 3 5 13.5h6L10 21l8-10.5h-6L13 3Z" />);
export const TrashIcon = make(
  'TrashIcon',
  <>
    <path d="M4 7h16M10 11v6M14 11v6" />
    <path d="M6 7l1 13h10l1-13M9 7V4h6v3" />
  </>,
);
export const TerminalIcon = make(
  'TerminalIcon',
  <>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <path d="m7 9 3 3-3 3M12.5 15H17" />
  </>,
);
export const CopyIcon = make(
  'CopyIcon',
  <>
    <rect x="8" y="8" width="12" height="12" rx="2" />
    <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
  </>,
);
export const PasteIcon = make(
  'PasteIcon',
  <>
    <path d="M9 4h6v3H9z" />
    <path d="M15 5.5h2a2 2 0 0 1 2 2V19a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V7.5a2 2 0 0 1 2-2h2" />
  </>,
);
export const DownloadIcon = make(
  'DownloadIcon',
  <path d="M12 4v11m-4.5-4.5L12 15l4.5-4.5M5 20h14" />,
);
export const UploadIcon = make('UploadIcon', <path d="M12 16V5M7.5 9.5 12 5l4.5 4.5M5 20h14" />);
export const SearchIcon = make(
  'SearchIcon',
  <>
    <circle cx="11" cy="11" r="6.5" />
    <path d="m20 20-4.2-4.2" />
  </>,
);
export const ChevronUpIcon = make('ChevronUpIcon', <path d="m6 15 6-6 6 6" />);
export const ChevronDownIcon = make('ChevronDownIcon', <path d="m6 9 6 6 6-6" />);
export const ArrowLeftIcon = make('ArrowLeftIcon', <path d="M19 12H5m6-6-6 6 6 6" />);
export const MaximizeIcon = make(
  'MaximizeIcon',
  <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />,
);
export const MinimizeIcon = make(
  'MinimizeIcon',
  <path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5" />,
);
export const CloseIcon = make('CloseIcon', <path d="M6 6l12 12M18 6 6 18" />);
export const SignOutIcon = make(
  'SignOutIcon',
  <>
    <path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4" />
    <path d="M10 16l-4-4 4-4M6 12h10" />
  </>,
);
export const AlertIcon = make(
  'AlertIcon',
  <>
    <path d="M12 3 2 20h20L12 3Z" />
    <path d="M12 10v4M12 17h.01" />
  </>,
);
export const CheckIcon = make('CheckIcon', <path d="m5 12.5 4.5 4.5L19 7" />);
export const ArrowDownToLineIcon = make(
  'ArrowDownToLineIcon',
  <path d="M12 4v12m-5-5 5 5 5-5M5 20h14" />,
);
