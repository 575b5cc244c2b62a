import { ChainruleError, type Dense, type Sequential } from '@chainrule/core';
import { uniqueNames } from './names.js';
import { ProtoWriter } from './protobuf.js';

/** The ONNX operator set the export targets (Gemm, Sigmoid, Tanh, Relu, LeakyRelu, Softmax with axis −1). */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 goes with opset 13. */
const IR_VERSION = 7;
const FLOAT = 1;

// Field numbers from onnx.proto3.
const Model = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
const Opset = { domain: 1, version: 2 } as const;
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const Attribute = { name: 1, f: 2, i: 3, type: 20 } as const;
const AttributeType = { FLOAT: 1, INT: 2 } as const;
const Tensor = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const ValueInfo = { name: 1, type: 2 } as const;
const TypeProto = { tensorType: 1 } as const;
const TensorType = { elemType: 1, shape: 2 } as const;
const Shape = { dim: 1 } as const;
const Dim = { value: 1, param: 2 } as const;

/** Names for the ONNX graph's input and output. */
export interface OnnxOptions {
  /** The graph's input name; default `input`. */
  inputName?: string;
  /** The graph's output name; default `output`. */
  outputName?: string;
}

function valueInfo(w: ProtoWriter, name: string, width: number): void {
  w.string(ValueInfo.name, name).message(ValueInfo.type, (t) =>
    t.message(TypeProto.tensorType, (tt) =>
      tt.int(TensorType.elemType, FLOAT).message(TensorType.shape, (s) => {
        s.message(Shape.dim, (d) => d.string(Dim.param, 'N'));
        s.message(Shape.dim, (d) => d.int(Dim.value, width));
      }),
    ),
  );
}

function tensor(w: ProtoWriter, name: string, dims: number[], data: Float32Array): void {
  for (const d of dims) w.int(Tensor.dims, d);
  // raw_data is little-endian float32, which Float32Array is on every platform chainrule runs on.
  w.int(Tensor.dataType, FLOAT)
    .string(Tensor.name, name)
    .bytes(
      Tensor.rawData,
      new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    );
}

/**
 * Writes a Sequential of Dense layers as a standard ONNX model (opset 13): per layer a `Gemm` (X·W + b, with W
 * stored inputs×units as chainrule keeps it) and its activation node (`Sigmoid`, `Tanh`, `Relu`, `LeakyRelu` with
 * its alpha, `Softmax` over the last axis; none for linear). The input is float32 [N, inputs]; N is symbolic.
 * Values and nodes are named after their layer (`<name>_W`, `<name>_gemm`, …), with names made unique by
 * `uniqueNames`. Load it with ONNX Runtime, convert it to PyTorch, or serve it.
 */
export function toOnnx(model: Sequential, options: OnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const layers = model.layers as Dense[];
  const weights = model.getWeights();
  for (const [i, l] of layers.entries()) {
    if (!('l1' in l) || !weights[i]) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `toOnnx: layer ${i} ('${l.name}') is not a Dense layer; only Dense stacks export`,
      );
    }
  }
  if (inputName === outputName)
    throw new ChainruleError('INVALID_OPTION', `toOnnx: inputName and outputName are both '${inputName}'`);
  // Every value a layer writes is `<name>_<suffix>` with one of these suffixes (and nodes `<name>_gemm`,
  // `<name>_<activation>`), so unique layer names give unique values and nodes. A layer name whose value would be
  // the graph's input or output name is renamed too.
  const suffixes = ['W', 'b', 'z', 'a'];
  const reserved = [inputName, outputName].flatMap((n) =>
    suffixes.filter((s) => n.endsWith(`_${s}`)).map((s) => n.slice(0, -s.length - 1)),
  );
  const names = uniqueNames(
    layers.map((l) => l.name),
    reserved,
  );
  const w = new ProtoWriter();
  w.int(Model.irVersion, IR_VERSION)
    .string(Model.producerName, 'chainrule')
    .string(Model.producerVersion, '0.1.0')
    .message(Model.opsetImport, (o) => o.string(Opset.domain, '').int(Opset.version, ONNX_OPSET))
    .message(Model.graph, (g) => {
      g.string(Graph.name, 'chainrule_sequential');
      let current = inputName;
      layers.forEach((layer, i) => {
        const { W, b } = weights[i] as {
          W: { rows: number; cols: number; data: Float32Array };
          b: Float32Array;
        };
        const last = i === layers.length - 1;
        const act = layer.activation;
        const name = names[i] as string;
        const gemmOut = last && act.name === 'linear' ? outputName : `${name}_z`;
        g.message(Graph.initializer, (t) => tensor(t, `${name}_W`, [W.rows, W.cols], W.data));
        g.message(Graph.initializer, (t) => tensor(t, `${name}_b`, [W.cols], b));
        g.message(Graph.node, (n) =>
          n
            .string(Node.input, current)
            .string(Node.input, `${name}_W`)
            .string(Node.input, `${name}_b`)
            .string(Node.output, gemmOut)
            .string(Node.name, `${name}_gemm`)
            .string(Node.opType, 'Gemm'),
        );
        current = gemmOut;
        if (act.name === 'linear') return;
        const out = last ? outputName : `${name}_a`;
        const op = {
          sigmoid: 'Sigmoid',
          tanh: 'Tanh',
          relu: 'Relu',
          leakyRelu: 'LeakyRelu',
          softmax: 'Softmax',
        }[act.name];
        g.message(Graph.node, (n) => {
          n.string(Node.input, current)
            .string(Node.output, out)
            .string(Node.name, `${name}_${act.name}`)
            .string(Node.opType, op);
          if (act.name === 'leakyRelu') {
            n.message(Node.attribute, (a) =>
              a
                .string(Attribute.name, 'alpha')
                .float(Attribute.f, act.alpha)
                .int(Attribute.type, AttributeType.FLOAT),
            );
          }
          if (act.name === 'softmax') {
            n.message(Node.attribute, (a) =>
              a.string(Attribute.name, 'axis').int(Attribute.i, -1).int(Attribute.type, AttributeType.INT),
            );
          }
        });
        current = out;
      });
      g.message(Graph.input, (v) => valueInfo(v, inputName, model.inputSize));
      g.message(Graph.output, (v) => valueInfo(v, outputName, model.outputSize));
    });
  return w.finish();
}
