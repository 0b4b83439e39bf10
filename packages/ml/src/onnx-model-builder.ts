/**
 * Writes small ONNX models (ModelProto protobuf) for tests: the contract suite and the
 * CLIP pipeline test use generated graphs, since no CLIP weights can be had here. Only the
 * ONNX fields these graphs need are written; field numbers are from onnx.proto.
 */
import protobuf from 'protobufjs/minimal.js';

const { Writer } = protobuf;
type W = protobuf.Writer;

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type OnnxElem = keyof typeof OnnxType;

/** A graph input/output: name, element type, dims (a string is a symbolic dim). */
export interface OnnxValue {
  readonly name: string;
  readonly type: OnnxElem;
  readonly dims: readonly (number | string)[];
}

/** A constant tensor. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly float32?: Float32Array;
  readonly int64?: readonly number[];
  readonly uint8?: readonly number[];
}

export type OnnxAttribute =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly ints: readonly number[] }
  | { readonly name: string; readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxGraph {
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers?: readonly OnnxInitializer[];
  readonly opset?: number;
}

const LEN = 2;
const VARINT = 0;
const F32 = 5;
const tag = (field: number, wire: number) => (field << 3) | wire;

function msg(w: W, field: number, body: (w: W) => void): void {
  w.uint32(tag(field, LEN)).fork();
  body(w);
  w.ldelim();
}

function valueInfo(w: W, v: OnnxValue): void {
  w.uint32(tag(1, LEN)).string(v.name);
  msg(w, 2, (w) =>
    msg(w, 1, (w) => {
      w.uint32(tag(1, VARINT)).int32(OnnxType[v.type]);
      msg(w, 2, (w) => {
        for (const d of v.dims)
          msg(w, 1, (w) =>
            typeof d === 'number' ? w.uint32(tag(1, VARINT)).int64(d) : w.uint32(tag(2, LEN)).string(d),
          );
      });
    }),
  );
}

function initializer(w: W, t: OnnxInitializer): void {
  for (const d of t.dims) w.uint32(tag(1, VARINT)).int64(d);
  w.uint32(tag(2, VARINT)).int32(t.float32 ? OnnxType.float32 : t.uint8 ? OnnxType.uint8 : OnnxType.int64);
  w.uint32(tag(8, LEN)).string(t.name);
  if (t.uint8) {
    w.uint32(tag(9, LEN)).bytes(Uint8Array.from(t.uint8));
  } else if (t.float32) {
    // raw_data: little-endian bytes, the compact form runtimes read directly.
    w.uint32(tag(9, LEN)).bytes(new Uint8Array(t.float32.buffer, t.float32.byteOffset, t.float32.byteLength));
  } else {
    w.uint32(tag(7, LEN)).fork();
    for (const v of t.int64 ?? []) w.int64(v);
    w.ldelim();
  }
}

function attribute(w: W, a: OnnxAttribute): void {
  w.uint32(tag(1, LEN)).string(a.name);
  if ('int' in a) {
    w.uint32(tag(3, VARINT)).int64(a.int);
    w.uint32(tag(20, VARINT)).int32(2);
  } else if ('ints' in a) {
    for (const v of a.ints) w.uint32(tag(8, VARINT)).int64(v);
    w.uint32(tag(20, VARINT)).int32(7);
  } else {
    w.uint32(tag(2, F32)).float(a.float);
    w.uint32(tag(20, VARINT)).int32(1);
  }
}

/** Serialise a graph as an ONNX model (IR 8, default opset 17). */
export function buildOnnxModel(g: OnnxGraph): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(1, VARINT)).int64(8);
  w.uint32(tag(2, LEN)).string('hearth-test');
  msg(w, 7, (w) => {
    g.nodes.forEach((n, i) =>
      msg(w, 1, (w) => {
        for (const s of n.inputs) w.uint32(tag(1, LEN)).string(s);
        for (const s of n.outputs) w.uint32(tag(2, LEN)).string(s);
        w.uint32(tag(3, LEN)).string(`n${i}`);
        w.uint32(tag(4, LEN)).string(n.op);
        for (const a of n.attributes ?? []) msg(w, 5, (w) => attribute(w, a));
      }),
    );
    w.uint32(tag(2, LEN)).string('g');
    for (const t of g.initializers ?? []) msg(w, 5, (w) => initializer(w, t));
    for (const v of g.inputs) msg(w, 11, (w) => valueInfo(w, v));
    for (const v of g.outputs) msg(w, 12, (w) => valueInfo(w, v));
  });
  msg(w, 8, (w) => {
    w.uint32(tag(1, LEN)).string('');
    w.uint32(tag(2, VARINT)).int64(g.opset ?? 17);
  });
  return w.finish();
}
