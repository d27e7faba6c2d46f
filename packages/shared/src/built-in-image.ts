/**
 * The image every store has without a pull: Debian's static busybox, laid out by the
 * engine the first time a container asks for it. The create form says so instead of
 * offering to pull it (these hosts may have no registry to pull from).
 */
export const BUILT_IN_IMAGE = 'busybox:latest';

/** `busybox` and `busybox:latest` both name it. */
export function isBuiltInImage(reference: string): boolean {
  const trimmed = reference.trim();
  return trimmed === BUILT_IN_IMAGE || `${trimmed}:latest` === BUILT_IN_IMAGE;
}
