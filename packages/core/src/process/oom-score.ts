import { writeFileSync } from 'node:fs';
import { withContext } from '../errors.js';

/**
 * Sets this process's OOM-killer score, which whatever it starts inherits. The engine's
 * value (the agent asks for -500, to be spared) must not reach a container: its init
 * and exec shims set the container's own (0 unless asked) while they still see their
 * own /proc entry, before entering the container's PID namespace and /proc. Lowering
 * a score needs CAP_SYS_RESOURCE, which they still hold then.
 */
export function setOwnOomScore(score: number): void {
  withContext(`setting oom_score_adj to ${score}`, () =>
    writeFileSync('/proc/self/oom_score_adj', String(score)),
  );
}
