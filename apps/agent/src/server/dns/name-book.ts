/** What the agent knows about names; the server asks it, per query, with the asker's address. */
export interface NameBook {
  /** The search domain containers get, e.g. "cove.internal" (no trailing dot). */
  readonly domain: string;
  /**
   * Whether `source` is one of Cove's containers. Anyone else is REFUSED: the gateway is an
   * address of the host, and answering (forwarding) for the host's neighbours would make
   * the agent an open resolver.
   */
  serves(source: string): boolean;
  /**
   * IPv4 addresses for `name` (a single label: a container name, alias or short id, lower-cased)
   * as seen by a container at `source` (only containers that share a network with it).
   * Returns undefined when the book does not know the name for this asker.
   */
  lookup(source: string, name: string): string[] | undefined;
  /** Names (fully qualified, without trailing dot) for a PTR of `address` asked by `source`; undefined when the address is not one of Cove's containers visible to `source`. */
  reverse(source: string, address: string): string[] | undefined;
}
