export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The environment the user's process starts with, later entries overriding earlier ones
 * as Docker does: defaults, then the image's, then the user's `-e`.
 */
export function buildEnvironment(layers: {
  hostname: string;
  home: string;
  image: string[];
  user: string[];
}): string[] {
  const merged = new Map<string, string>();
  const add = (entry: string) => {
    const eq = entry.indexOf('=');
    merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  };
  add(`PATH=${defaultPath}`);
  add(`HOSTNAME=${layers.hostname}`);
  add(`HOME=${layers.home}`);
  for (const entry of [...layers.image, ...layers.user]) add(entry);
  return [...merged].map(([key, value]) => `${key}=${value}`);
}
