import {
  activationTable,
  ChainruleError,
  type Layer,
  type LayerWeights,
  type OnnxNodeWriter,
  type ResolvedActivation,
  type Sequential,
} from '@chainrule/core';
import { foldNormalization } from './fold.js';
import { type ExportNames, exportNames, uniqueNames } from './names.js';
import { ProtoWriter } from './protobuf.js';

/** The ONNX operator set the export targets: `Gemm`, and the nodes each activation writes (`activationTable`). */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 goes with opset 13. */
const IR_VERSION = 7;
const FLOAT = 1;

// Field numbers from onnx.proto3.
const Model = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
} as const;
const StringStringEntry = { key: 1, value: 2 } as const;
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

/**
 * Names for the ONNX graph's input and output, and the names written in the model's `metadata_props` (see `toOnnx`).
 */
export interface OnnxOptions extends ExportNames {
  /** The graph's input name; default `input`. */
  inputName?: string;
  /** The graph's output name; default `output`. */
  outputName?: string;
  /**
   * Writers for layer types of your own, by `Layer.type` (the types `toOnnx` knows — dense, dropout, activation —
   * need none): each writes its layer's nodes (see `OnnxLayerWriter`).
   */
  layers?: Readonly<Record<string, OnnxLayerWriter>>;
}

/** What a layer of your own writes its part of the ONNX graph with; every name it makes is `<layer name>_<…>`. */
export interface OnnxLayerGraph {
  /** The name of the layer's input: the graph input, or the previous layer's result. */
  readonly input: string;
  /** Adds a float32 initializer (a constant tensor: a weight) `<layer>_<suffix>` and returns its name. */
  initializer(suffix: string, dims: readonly number[], data: Float32Array): string;
  /** Adds a node `op(inputs)` with float or int attributes, named after its op, and returns its output's name. */
  node(op: string, inputs: readonly string[], attributes?: Readonly<Record<string, AttributeValue>>): string;
}

/**
 * Writes one layer of a type of your own into the graph (opset 13): its weights as initializers and its nodes on
 * `graph.input`, returning the name of its result (a node's output, or `graph.input` for the identity).
 */
export type OnnxLayerWriter = (layer: Layer, weights: LayerWeights, graph: OnnxLayerGraph) => string;

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

/** A node attribute: a float or an int. */
export type AttributeValue = { float: number } | { int: number };
type Attributes = Readonly<Record<string, AttributeValue>>;

/** One node an activation wrote, its values still placeholders (see `ActivationRecorder`). */
interface RecordedNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attributes: Attributes;
}

/**
 * The `OnnxNodeWriter` an activation writes itself into. It records the nodes, naming their values by placeholders
 * (`x`, and one per node), so that every name in the graph can be chosen once all layers are known: the values then
 * get their layer's names (`<name>_a` for the activation's result, the graph output for the last layer's).
 */
class ActivationRecorder implements OnnxNodeWriter {
  readonly nodes: RecordedNode[] = [];
  /** The placeholder of the activation's input, the Gemm's output. */
  readonly x: string;

  constructor(private readonly where: string) {
    this.x = this.placeholder(0);
  }

  /** `\0` cannot appear in a name an activation makes up, so a placeholder is never mistaken for one. */
  private placeholder(k: number): string {
    return `\u0000${k}`;
  }

  /** Whether `value` is the input or an output of a node written so far. */
  knows(value: string): boolean {
    return value === this.x || this.nodes.some((n) => n.output === value);
  }

  node(op: string, inputs: readonly string[], attributes: Attributes = {}): string {
    for (const input of inputs) {
      if (!this.knows(input)) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `toOnnx: ${this.where}: a ${op} node reads ${JSON.stringify(input)}, which is neither the activation's input nor a node's output`,
        );
      }
    }
    const output = this.placeholder(this.nodes.length + 1);
    this.nodes.push({ op, inputs: [...inputs], output, attributes: { ...attributes } });
    return output;
  }
}

/** The first of `base`, `base2`, `base3`, … not in `used` (and claims it). No underscore is added: see `toOnnx`. */
function claim(used: Set<string>, base: string): string {
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base}${k}`;
  used.add(name);
  return name;
}

/** The layer types `toOnnx` writes, as `Layer.type` names them. */
const ONNX_LAYER_TYPES = ['dense', 'dropout', 'activation'] as const;
type OnnxLayerType = (typeof ONNX_LAYER_TYPES)[number];

/**
 * A layer's ONNX nodes and values, named relative to the layer: the full name is `<layer name>_<suffix>`. A dense
 * layer's activation reads its Gemm's output; an activation layer's reads the previous layer's result (the graph
 * input for the first layer); a dropout layer writes nothing (an inference graph has no dropout).
 */
interface LayerPlan {
  readonly type: OnnxLayerType;
  readonly recorder: ActivationRecorder;
  /** The placeholder whose value is the layer's result (`recorder.x` when it writes no activation node). */
  readonly result: string;
  /** Suffix of each activation node's name. */
  readonly nodeSuffixes: readonly string[];
  /** Suffix of each placeholder's value that the layer names (a dense layer's Gemm output, nodes' outputs); the
   * result's is absent, and so is an activation or dropout layer's input (the previous layer's value). */
  readonly valueSuffixes: ReadonlyMap<string, string>;
}

/**
 * Runs a layer's activation (none for dropout) through a recorder and names what it wrote (suffixes without
 * underscores).
 */
function planLayer(type: OnnxLayerType, act: ResolvedActivation | null, where: string): LayerPlan {
  const recorder = new ActivationRecorder(where);
  const result = act ? activationTable[act.name].toOnnx(recorder, recorder.x, act.alpha) : recorder.x;
  if (act && !recorder.knows(result)) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `toOnnx: ${where}: activation ${act.name} returned ${JSON.stringify(result)}, which is not a value it wrote`,
    );
  }
  const word = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  // Nodes: `<activation>` when it writes one, else `<activation><Op>` (`siluSigmoid`, `siluMul`).
  const nodeNames = new Set(['gemm', 'identity']);
  const nodeSuffixes = recorder.nodes.map((n) =>
    claim(
      nodeNames,
      word(recorder.nodes.length === 1 ? (act as ResolvedActivation).name : `${act?.name}${n.op}`),
    ),
  );
  // Values: W, b, z (the Gemm's output) and a (the activation's result); a value between two activation nodes is
  // named as the node that writes it.
  const valueNames = new Set(['W', 'b', 'z', 'a']);
  const valueSuffixes = new Map<string, string>();
  if (type === 'dense' && result !== recorder.x) valueSuffixes.set(recorder.x, 'z');
  recorder.nodes.forEach((n, k) => {
    if (n.output !== result) valueSuffixes.set(n.output, claim(valueNames, nodeSuffixes[k] as string));
  });
  return { type, recorder, result, nodeSuffixes, valueSuffixes };
}

/** A layer of a type of your own: its writer runs as the graph is written. */
interface CustomPlan {
  readonly type: 'custom';
  readonly writer: OnnxLayerWriter;
}

/**
 * The plan of each layer, by its `type`: the built-in types, or a writer given for the type in `options.layers`;
 * any other type is refused, naming the layer.
 */
function planLayers(
  layers: readonly Layer[],
  weights: readonly unknown[],
  writers: Readonly<Record<string, OnnxLayerWriter>>,
): (LayerPlan | CustomPlan)[] {
  return layers.map((l, i) => {
    const where = `layer ${i} ('${l.name}')`;
    const type = l.type as OnnxLayerType;
    const writer = Object.hasOwn(writers, l.type) ? writers[l.type] : undefined;
    if (!ONNX_LAYER_TYPES.includes(type) && typeof writer === 'function') return { type: 'custom', writer };
    if (!ONNX_LAYER_TYPES.includes(type)) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `toOnnx: ${where} has type ${JSON.stringify(l.type)}, which does not export; ` +
          `the layer types that export are ${ONNX_LAYER_TYPES.join(', ')} (give a writer for others in options.layers)`,
      );
    }
    if (type === 'dense') {
      const w = weights[i] as { W?: { rows: number; cols: number }; b?: { length: number } } | undefined;
      if (w?.W?.rows !== l.inputSize || w.W.cols !== l.outputSize || w.b?.length !== l.outputSize) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `toOnnx: ${where} is a dense layer whose weights are not W ${l.inputSize}×${l.outputSize} and b of ${l.outputSize}`,
        );
      }
    }
    return planLayer(type, type === 'dropout' ? null : l.activation, where);
  });
}

/**
 * Writes a Sequential as a standard ONNX inference model (opset 13), layer by layer as `Layer.type` says:
 * - `dense`: a `Gemm` (X·W + b, with W stored inputs×units as chainrule keeps it), then the nodes its activation
 *   writes (`activationTable[name].toOnnx`: `Sigmoid`, `LeakyRelu` with its alpha, `Softmax` over the last axis,
 *   `Sigmoid` and `Mul` for SiLU, …; none for linear);
 * - `activation`: the nodes its activation writes, on the previous layer's result (none for linear);
 * - `dropout`: nothing, as inference is the identity (ONNX inference graphs drop dropout).
 * A last layer that writes no node (dropout, a linear activation layer) writes an `Identity` node `<name>_identity`
 * so that the graph output has its name. Any other layer type is refused.
 * The input is float32 [N, inputs]; N is symbolic; the last layer's result is the graph output.
 * Values and nodes are named after their layer (`<name>_W`, `<name>_b`, `<name>_z` out of `<name>_gemm`, `<name>_a`
 * out of the activation's node `<name>_<activation>`, or `<name>_<activation><Op>` when it writes several), with
 * layer names made unique by `uniqueNames`. Load it with ONNX Runtime, convert it to PyTorch, or serve it.
 * `metadata_props` keeps the names: `class_names` (the model's `labels`, a JSON array, in output order),
 * `feature_names` (`options.featureNames`, a JSON array, in input order) and `target_name` (`options.targetName`),
 * each only when known.
 */
export function toOnnx(model: Sequential, options: OnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const known = exportNames('toOnnx', model, options);
  const metadata: [string, string][] = [
    ...(known.classes ? [['class_names', JSON.stringify(known.classes)] as [string, string]] : []),
    ...(known.features ? [['feature_names', JSON.stringify(known.features)] as [string, string]] : []),
    ...(known.target !== undefined ? [['target_name', known.target] as [string, string]] : []),
  ];
  const { layers, weights } = foldNormalization(model, 'toOnnx');
  const plans = planLayers(layers, weights, options.layers ?? {});
  if (inputName === outputName)
    throw new ChainruleError('INVALID_OPTION', `toOnnx: inputName and outputName are both '${inputName}'`);
  // Every value a layer writes is `<name>_<suffix>` and every node `<name>_<suffix>`, with suffixes that have no
  // underscore: so the layer name is everything before the last underscore, and unique layer names give unique
  // values and nodes. A layer name whose value would be the graph's input or output name is renamed too.
  const suffixes = new Set([
    'W',
    'b',
    'z',
    'a',
    ...plans.flatMap((p) => (p.type === 'custom' ? [] : [...p.valueSuffixes.values()])),
  ]);
  const reserved = [inputName, outputName].flatMap((n) => {
    const at = n.lastIndexOf('_');
    return at >= 0 && suffixes.has(n.slice(at + 1)) ? [n.slice(0, at)] : [];
  });
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
      const node = (
        op: string,
        inputs: readonly string[],
        output: string,
        name: string,
        attributes: Attributes,
      ) =>
        g.message(Graph.node, (n) => {
          for (const input of inputs) n.string(Node.input, input);
          n.string(Node.output, output).string(Node.name, name).string(Node.opType, op);
          for (const [key, value] of Object.entries(attributes)) {
            n.message(Node.attribute, (a) => {
              a.string(Attribute.name, key);
              if ('float' in value)
                a.float(Attribute.f, value.float).int(Attribute.type, AttributeType.FLOAT);
              else a.int(Attribute.i, value.int).int(Attribute.type, AttributeType.INT);
            });
          }
        });
      let current = inputName;
      plans.forEach((plan, i) => {
        const name = names[i] as string;
        const last = i === layers.length - 1;
        const input = current;
        if (plan.type === 'custom') {
          current = writeCustom(plan.writer, layers[i] as Layer, weights[i] as LayerWeights, {
            name,
            input,
            where: `layer ${i} ('${(layers[i] as Layer).name}')`,
            output: last ? outputName : null,
            initializer: (value, dims, data) =>
              g.message(Graph.initializer, (t) => tensor(t, value, [...dims], data)),
            node,
          });
          return;
        }
        // The result is the graph output for the last layer; otherwise `<name>_a` when an activation node wrote it,
        // `<name>_z` for a linear dense layer's Gemm. An activation or dropout layer's input is the previous value.
        const value = (placeholder: string): string => {
          const suffix = plan.valueSuffixes.get(placeholder);
          if (suffix !== undefined) return `${name}_${suffix}`;
          if (placeholder === plan.result && last) return outputName;
          if (placeholder !== plan.recorder.x) return `${name}_a`;
          return plan.type === 'dense' ? `${name}_z` : input;
        };
        if (plan.type === 'dense') {
          const { W, b } = weights[i] as {
            W: { rows: number; cols: number; data: Float32Array };
            b: Float32Array;
          };
          g.message(Graph.initializer, (t) => tensor(t, `${name}_W`, [W.rows, W.cols], W.data));
          g.message(Graph.initializer, (t) => tensor(t, `${name}_b`, [W.cols], b));
          node('Gemm', [input, `${name}_W`, `${name}_b`], value(plan.recorder.x), `${name}_gemm`, {});
        } else if (last && plan.result === plan.recorder.x) {
          // Nothing written, but the graph output must be named: pass the input through.
          node('Identity', [input], outputName, `${name}_identity`, {});
        }
        plan.recorder.nodes.forEach((n, k) => {
          node(
            n.op,
            n.inputs.map(value),
            value(n.output),
            `${name}_${plan.nodeSuffixes[k] as string}`,
            n.attributes,
          );
        });
        current = value(plan.result);
      });
      g.message(Graph.input, (v) => valueInfo(v, inputName, model.inputSize));
      g.message(Graph.output, (v) => valueInfo(v, outputName, model.outputSize));
    });
  for (const [key, value] of metadata)
    w.message(Model.metadataProps, (e) =>
      e.string(StringStringEntry.key, key).string(StringStringEntry.value, value),
    );
  return w.finish();
}

/** How `writeCustom` writes into the graph being built. */
interface CustomContext {
  /** The layer's unique name, the prefix of everything it writes. */
  readonly name: string;
  readonly input: string;
  readonly where: string;
  /** The graph output's name, for the last layer: its result is passed to it through an `Identity` node. */
  readonly output: string | null;
  initializer(name: string, dims: readonly number[], data: Float32Array): void;
  node(op: string, inputs: readonly string[], output: string, name: string, attributes: Attributes): void;
}

/**
 * Runs a writer of your own for one layer: its initializers and nodes are named `<layer>_<suffix>` (unique within
 * the layer, no underscores in the suffix, as the built-in layers' names are), each node reads only the layer's
 * input, its initializers or nodes written before it, and the result must be one of those. Returns the result's
 * name (the graph output for the last layer).
 */
function writeCustom(writer: OnnxLayerWriter, layer: Layer, weights: LayerWeights, c: CustomContext): string {
  const used = new Set<string>(['identity']);
  const known = new Set<string>([c.input]);
  const word = (s: string) => s.replace(/[^A-Za-z0-9]/g, '') || 'value';
  const refuse = (message: string): never => {
    throw new ChainruleError('INVALID_OPTION', `toOnnx: ${c.where}: ${message}`);
  };
  const result = writer(layer, weights, {
    input: c.input,
    initializer(suffix, dims, data) {
      const count = dims.reduce((a, b) => a * b, 1);
      if (!(data instanceof Float32Array) || data.length !== count)
        refuse(`initializer ${suffix}: ${data?.length} values for dims [${dims.join(', ')}] (${count})`);
      const name = `${c.name}_${claim(used, word(suffix))}`;
      c.initializer(name, dims, data);
      known.add(name);
      return name;
    },
    node(op, inputs, attributes = {}) {
      for (const input of inputs)
        if (!known.has(input))
          refuse(`a ${op} node reads ${JSON.stringify(input)}, which this layer has not written`);
      const name = `${c.name}_${claim(used, word(op).toLowerCase())}`;
      c.node(op, inputs, name, name, attributes);
      known.add(name);
      return name;
    },
  });
  if (typeof result !== 'string' || !known.has(result))
    refuse(`its writer returned ${JSON.stringify(result)}, which is neither its input nor a value it wrote`);
  if (c.output === null) return result;
  c.node('Identity', [result], c.output, `${c.name}_identity`, {});
  return c.output;
}
