/** Capability names as people type them in the form: `NET_ADMIN SYS_TIME` or `NET_ADMIN, SYS_TIME`. */
export function capabilityNames(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
