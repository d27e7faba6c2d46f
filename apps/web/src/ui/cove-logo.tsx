/** The mark: a bay (the cove) holding a box (the container). */
export function CoveLogo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path
        d="M7 13v5.5a9 9 0 0 0 18 0V13"
        fill="none"
        stroke="#fff"
        strokeWidth="2.4"
        strokeLinecap="round"
      />
      <rect x="12" y="9" width="8" height="8" rx="1.6" fill="#fff" />
    </svg>
  );
}
