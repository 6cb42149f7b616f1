import { ByteWriter } from './byte-writer.js';

/** Compact protocol type codes (Thrift's TCompactProtocol spec). */
export enum CompactType {
  True = 1,
  False = 2,
  I32 = 5,
  I64 = 6,
  Binary = 8,
  List = 9,
  Struct = 12,
}

const utf8 = new TextEncoder();

/** UTF-8 of footer strings (column names, `created_by`): the same few strings in every file. */
const encodings = new Map<string, Uint8Array>();
function encoded(text: string): Uint8Array {
  let bytes = encodings.get(text);
  if (!bytes) {
    bytes = utf8.encode(text);
    if (encodings.size < 4096) encodings.set(text, bytes);
  }
  return bytes;
}

/**
 * Writes Thrift structs in the compact protocol, the encoding of Parquet's footer and page
 * headers. Fields must be written in increasing id order within a struct (the short form stores
 * the id as a delta). A top-level struct is written as its fields followed by `endStruct()`.
 */
export class ThriftCompactWriter {
  private lastField = 0;
  private readonly enclosing: number[] = [];

  constructor(readonly out: ByteWriter = new ByteWriter()) {}

  i32(field: number, value: number): void {
    this.fieldHeader(field, CompactType.I32);
    this.zigzag(value);
  }

  /** An i64 field given as a number (sizes, offsets, counts: all below 2^53). */
  i64(field: number, value: number): void {
    this.fieldHeader(field, CompactType.I64);
    this.zigzag(value);
  }

  bool(field: number, value: boolean): void {
    this.fieldHeader(field, value ? CompactType.True : CompactType.False);
  }

  binary(field: number, bytes: Uint8Array): void {
    this.fieldHeader(field, CompactType.Binary);
    this.out.varint(bytes.length);
    this.out.append(bytes);
  }

  string(field: number, text: string): void {
    this.binary(field, encoded(text));
  }

  /** A struct (or union) field; close it with `endStruct()`. */
  beginStruct(field: number): void {
    this.fieldHeader(field, CompactType.Struct);
    this.enter();
  }

  endStruct(): void {
    this.out.byte(0);
    this.lastField = this.enclosing.pop() ?? 0;
  }

  /** A list field's header; then write `size` elements with the element methods below. */
  beginList(field: number, elementType: CompactType, size: number): void {
    this.fieldHeader(field, CompactType.List);
    if (size < 15) {
      this.out.byte((size << 4) | elementType);
    } else {
      this.out.byte(0xf0 | elementType);
      this.out.varint(size);
    }
  }

  elementI32(value: number): void {
    this.zigzag(value);
  }

  elementString(text: string): void {
    const bytes = encoded(text);
    this.out.varint(bytes.length);
    this.out.append(bytes);
  }

  /**
   * Bytes written earlier by another writer for the fields of the current struct up to
   * `lastField` (a constant part cached by the caller); the next field's delta counts from it.
   */
  appendFields(bytes: Uint8Array, lastField: number): void {
    this.out.append(bytes);
    this.lastField = lastField;
  }

  /** Writes the current struct's fields from after `field` on (to cache a constant tail of them). */
  resumeAfter(field: number): void {
    this.lastField = field;
  }

  /** A struct element of a list; close it with `endStruct()`. */
  beginElement(): void {
    this.enter();
  }

  private enter(): void {
    this.enclosing.push(this.lastField);
    this.lastField = 0;
  }

  private fieldHeader(field: number, type: CompactType): void {
    const delta = field - this.lastField;
    if (delta > 0 && delta <= 15) {
      this.out.byte((delta << 4) | type);
    } else {
      this.out.byte(type);
      this.zigzag(field);
    }
    this.lastField = field;
  }

  /** Zigzag varint of an integer in ±2^52 (i16, i32 and the i64 values Parquet metadata holds). */
  private zigzag(value: number): void {
    this.out.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }
}
