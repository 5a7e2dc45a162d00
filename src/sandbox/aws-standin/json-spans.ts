/**
 * Where things are in a JSON text, for ValidatePolicy `locations`: a small position-tracking JSON reader that
 * records the span of every value by path, with Access Analyzer's `Position` convention (line from 1,
 * column and offset from 0). Only used on text that `JSON.parse` already accepted.
 */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export type PathElement = string | number;

/** Position of a character offset in `text`. */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1), offset };
}

export class JsonSpans {
  private readonly spans = new Map<string, [number, number]>();
  private pos = 0;

  constructor(private readonly text: string) {
    this.value([]);
  }

  /** Span of the value at `path` (object keys and array indexes); the whole text when unknown. */
  span(path: PathElement[]): { start: Position; end: Position } {
    const [start, end] = this.spans.get(JSON.stringify(path)) ?? [0, this.text.length];
    return { start: this.position(start), end: this.position(end) };
  }

  position(offset: number): Position {
    return positionOf(this.text, offset);
  }

  private value(path: PathElement[]): void {
    this.skip();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else this.literal();
    this.spans.set(JSON.stringify(path), [start, this.pos]);
  }

  private object(path: PathElement[]): void {
    this.pos += 1;
    this.skip();
    while (this.text[this.pos] !== '}' && this.pos < this.text.length) {
      const keyStart = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
      this.skip();
      this.pos += 1; // ':'
      this.value([...path, key]);
      this.skip();
      if (this.text[this.pos] === ',') this.pos += 1;
      this.skip();
    }
    this.pos += 1;
  }

  private array(path: PathElement[]): void {
    this.pos += 1;
    this.skip();
    let index = 0;
    while (this.text[this.pos] !== ']' && this.pos < this.text.length) {
      this.value([...path, index]);
      index += 1;
      this.skip();
      if (this.text[this.pos] === ',') this.pos += 1;
      this.skip();
    }
    this.pos += 1;
  }

  private string(): void {
    this.pos += 1;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    this.pos += 1;
  }

  private literal(): void {
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,}\]]/.test(this.text[this.pos] ?? '')) this.pos += 1;
    if (this.pos === start) this.pos += 1; // never stall on unexpected input
  }

  private skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }
}
