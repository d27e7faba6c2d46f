/** A fixed-size history: pushing past the capacity drops the oldest entry. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  push(item: T): void {
    this.items[(this.start + this.length) % this.capacity] = item;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }

  latest(): T | undefined {
    return this.length ? this.items[(this.start + this.length - 1) % this.capacity] : undefined;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++)
      out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}
