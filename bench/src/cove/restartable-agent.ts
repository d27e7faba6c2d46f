import type { AgentProcess } from './agent-process.js';

/** A bench agent that a figure may SIGKILL and start again on the same store. */
export interface RestartableAgent {
  /** The agent running now: after a restart, the new one. */
  current(): AgentProcess;
  /** `cove agent` again on the same store with the same arguments; the bench's cleanup follows it. */
  restart(): Promise<AgentProcess>;
}
