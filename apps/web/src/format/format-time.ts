const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const clockMinutes = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `14:03:07`, for marks and log lines. */
export function formatClock(epochMilliseconds: number): string {
  return clock.format(epochMilliseconds);
}

/** `14:03`, for a time axis whose ticks are minutes apart. */
export function formatClockMinutes(epochMilliseconds: number): string {
  return clockMinutes.format(epochMilliseconds);
}

const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** `Nov 23, 2026`, where a table has room for the day only. */
export function formatDay(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : day.format(date);
}

/** `Nov 23, 2026, 14:03:07`, for start and finish times. */
export function formatDateTime(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}
