// A bounded memory of what was recently appended, so a redelivered observation costs no write in
// a warm process. Only an optimisation: the fold drops duplicates anyway.
export class RecentSet {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.seen.has(key);
  }

  add(key: string): void {
    this.seen.delete(key);
    this.seen.add(key); // a Set iterates in insertion order: the first entry is the oldest
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
  }
}
