import type { IncomingMessage } from 'node:http';

/**
 * Calls `onStall` when `ms` pass without a byte of the request's body: a limit on
 * progress, not on the time the whole body takes, so a large upload on a slow link goes
 * on as long as it moves. Ends with the body or the connection; returns the way to stop.
 */
export function whenBodyStalls(
  request: IncomingMessage,
  ms: number,
  onStall: () => void,
): () => void {
  let timer = setTimeout(onStall, ms);
  const moved = () => {
    clearTimeout(timer);
    timer = setTimeout(onStall, ms);
  };
  const stop = () => {
    clearTimeout(timer);
    request.off('data', moved);
  };
  request.on('data', moved);
  request.once('end', stop);
  request.once('close', stop);
  return stop;
}
