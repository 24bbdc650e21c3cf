/**
 * Which ONNX ops each onnxruntime-web backend runs natively: op tables as data, for support.ts.
 *
 * An entry `Op: [since, until?]` means the backend has a kernel when the model's opset for the op's domain is in
 * [since, until] (until omitted: no upper bound). ORT registers kernels per ONNX schema version and caps a kernel
 * exactly where the next schema version starts, so "model opset inside the range" is the same test ORT makes with the
 * node's resolved schema version. WebGL (onnxjs) literally matches the model's opset against these ranges.
 * Domains: 'ai.onnx' (also the empty domain), 'ai.onnx.ml', 'com.microsoft'. A plain list of names means "since 1,
 * no upper bound" (contrib ops have a single version).
 */

export type OpRange = readonly [since: number, until?: number];
export type OpList = Readonly<Record<string, OpRange>> | readonly string[];

export interface TableSource {
  /** Repository and path the table was taken from (or checked against). */
  repo: string;
  path: string;
  /** The onnxruntime(-web) version or commit the text describes. */
  describes: string;
  /** When it was read (YYYY-MM-DD). */
  read: string;
}

export interface OpTable {
  backend: 'wasm' | 'webgpu' | 'webgl';
  /** The runtime and build this table is for, in words. */
  runtime: string;
  /** What happens to a node this backend has no kernel for. */
  missing: 'unsupported' | 'cpu-fallback' | 'session-fails';
  sources: readonly TableSource[];
  domains: Readonly<Record<string, OpList>>;
  /** Per-op remarks (keyed by op name). */
  notes: Readonly<Record<string, string>>;
  /** Highest opset per domain the runtime loads at all (a model importing more fails to load). */
  maxOpset?: Readonly<Record<string, number>>;
}

const READ = '2026-11-23';

/**
 * onnxruntime-web `wasm`: ORT's CPU execution provider compiled to WebAssembly (full build: ONNX, ai.onnx.ml and
 * com.microsoft contrib kernels). Ranges: CPUExecutionProvider section of docs/OperatorKernels.md, corrected where
 * onnxruntime-web 1.30.0 under Node disagreed (support.test.ts probes these): NonMaxSuppression, DeformConv, CumProd,
 * BitCast are there; GlobalLpPool, RandomNormalLike, RandomUniformLike have no opset-22 kernel.
 */
const WASM_TABLE: OpTable = {
  backend: 'wasm',
  runtime: 'onnxruntime-web 1.30.0, wasm backend (CPU execution provider in WebAssembly)',
  missing: 'unsupported',
  sources: [
    {
      repo: 'microsoft/onnxruntime',
      path: 'docs/OperatorKernels.md (CPUExecutionProvider)',
      describes: 'main at commit 001d12d2623fd411ce0f83d05abb5e82304a3389 (opset 25 era, close to 1.30)',
      read: READ,
    },
    { repo: 'npm onnxruntime-web@1.30.0', path: 'dist/ort-wasm-simd-threaded.wasm (probed under Node)', describes: '1.30.0', read: READ },
  ],
  maxOpset: { 'ai.onnx': 26, 'ai.onnx.ml': 5, 'com.microsoft': 1 },
  domains: {
    'ai.onnx': {
      Abs: [6], Acos: [7], Acosh: [9], Add: [7], Affine: [1], AffineGrid: [20], And: [7], ArgMax: [1], ArgMin: [1],
      Asin: [7], Asinh: [9], Atan: [7], Atanh: [9], Attention: [23], AveragePool: [7], BatchNormalization: [7],
      BitCast: [26], BitShift: [11], BitwiseAnd: [18], BitwiseNot: [18], BitwiseOr: [18], BitwiseXor: [18],
      BlackmanWindow: [17], Cast: [6], Ceil: [6], Celu: [12], Clip: [6], Col2Im: [18], Compress: [9], Concat: [4],
      ConcatFromSequence: [11], ConstantOfShape: [9], Conv: [1], ConvInteger: [10], ConvTranspose: [1], Cos: [7],
      Cosh: [9], Crop: [1], CumProd: [26], CumSum: [11], DFT: [17], DeformConv: [19], DepthToSpace: [1],
      DequantizeLinear: [10], Det: [11], Div: [7], Dropout: [7], DynamicQuantizeLinear: [11], DynamicSlice: [1],
      Einsum: [12], Elu: [6], Equal: [7], Erf: [9], Exp: [6], Expand: [8], EyeLike: [9], Flatten: [1], Floor: [6],
      GRU: [7], Gather: [1], GatherElements: [11], GatherND: [11], Gelu: [20], Gemm: [7], GlobalAveragePool: [1],
      GlobalLpPool: [2, 21], GlobalMaxPool: [1], Greater: [7], GreaterOrEqual: [12], GridSample: [16],
      HammingWindow: [17], HannWindow: [17], HardSigmoid: [6], Hardmax: [1], Identity: [1], If: [1], ImageScaler: [1],
      InstanceNormalization: [6], IsInf: [10], IsNaN: [9], LRN: [1], LSTM: [7], LayerNormalization: [1],
      LeakyRelu: [6], Less: [7], LessOrEqual: [12], Log: [6], LogSoftmax: [1], Loop: [1], LpNormalization: [1],
      LpPool: [2], MatMul: [1], MatMulInteger: [10], Max: [6], MaxPool: [1], MaxRoiPool: [1], MaxUnpool: [9],
      Mean: [6], MeanVarianceNormalization: [1], MelWeightMatrix: [17], Min: [6], Mod: [10], Mul: [7],
      Multinomial: [7], Neg: [6], NonMaxSuppression: [10], NonZero: [9], Not: [1], OneHot: [9], Optional: [15],
      OptionalGetElement: [15], OptionalHasElement: [15], Or: [7], PRelu: [7], Pad: [2], ParametricSoftplus: [1],
      Pow: [7], QLinearConv: [10], QLinearMatMul: [10], QuantizeLinear: [10], RMSNormalization: [23], RNN: [7],
      RandomNormal: [1], RandomNormalLike: [1, 21], RandomUniform: [1], RandomUniformLike: [1, 21], Range: [11],
      Reciprocal: [6], ReduceL1: [1], ReduceL2: [1], ReduceLogSum: [1], ReduceLogSumExp: [1], ReduceMax: [1],
      ReduceMean: [1], ReduceMin: [1], ReduceProd: [1], ReduceSum: [1], ReduceSumSquare: [1], RegexFullMatch: [20],
      Relu: [6], Reshape: [1], Resize: [10], ReverseSequence: [10], RoiAlign: [10], RotaryEmbedding: [23],
      Round: [11], STFT: [17], Scale: [1], ScaledTanh: [1], Scan: [8], Scatter: [9, 10], ScatterElements: [11],
      ScatterND: [11], Selu: [6], SequenceAt: [11], SequenceConstruct: [11], SequenceEmpty: [11], SequenceErase: [11],
      SequenceInsert: [11], SequenceLength: [11], Shape: [1], Shrink: [9], Sigmoid: [6], Sign: [9],
      SimplifiedLayerNormalization: [1], Sin: [7], Sinh: [9], Size: [1], Slice: [1], Softmax: [1], Softplus: [1],
      Softsign: [1], SpaceToDepth: [1], Split: [2], SplitToSequence: [11], Sqrt: [6], Squeeze: [1],
      StringConcat: [20], StringNormalizer: [10], StringSplit: [20], Sub: [7], Sum: [6], Tan: [7], Tanh: [6],
      TensorScatter: [24], TfIdfVectorizer: [9], ThresholdedRelu: [1], Tile: [6], TopK: [1], Transpose: [1],
      Trilu: [14], Unique: [11], Unsqueeze: [1], Upsample: [7, 9], Where: [9], Xor: [7],
    },
    'ai.onnx.ml': {
      ArrayFeatureExtractor: [1], Binarizer: [1], CastMap: [1], CategoryMapper: [1], DictVectorizer: [1],
      FeatureVectorizer: [1], Imputer: [1], LabelEncoder: [1], LinearClassifier: [1], LinearRegressor: [1],
      Normalizer: [1], OneHotEncoder: [1], SVMClassifier: [1], SVMRegressor: [1], Scaler: [1], TreeEnsemble: [5],
      TreeEnsembleClassifier: [1], TreeEnsembleRegressor: [1], ZipMap: [1],
    },
    'com.microsoft': [
      'Attention', 'AttnLSTM', 'BeamSearch', 'BiasGelu', 'BifurcationDetector', 'CDist', 'ConvTransposeWithDynamicPads',
      'CropAndResize', 'DecoderMaskedMultiHeadAttention', 'DequantizeLinear', 'DynamicQuantizeLSTM',
      'DynamicQuantizeMatMul', 'DynamicTimeWarping', 'EmbedLayerNormalization', 'ExpandDims', 'FastGelu', 'FusedConv',
      'FusedGemm', 'FusedMatMul', 'GatherBlockQuantized', 'GatherND', 'Gelu', 'GreedySearch', 'GridSample',
      'GroupQueryAttention', 'Inverse', 'MatMulBnb4', 'MatMulFpQ4', 'MatMulInteger16', 'MatMulIntegerToFloat',
      'MatMulNBits', 'MaxpoolWithMask', 'MoE', 'MultiHeadAttention', 'MurmurHash3', 'NGramRepeatBlock', 'NhwcMaxPool',
      'Pad', 'QAttention', 'QEmbedLayerNormalization', 'QGemm', 'QLinearAdd', 'QLinearAveragePool', 'QLinearConcat',
      'QLinearConv', 'QLinearGlobalAveragePool', 'QLinearLeakyRelu', 'QLinearMul', 'QLinearSigmoid', 'QLinearSoftmax',
      'QLinearWhere', 'QMoE', 'QuantizeLinear', 'QuickGelu', 'Range', 'RotaryEmbedding', 'SampleOp', 'Sampling',
      'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization', 'SparseAttention', 'SparseToDenseMatMul',
      'Tokenizer', 'TransposeMatMul', 'Trilu', 'UnfoldTensor', 'Unique', 'WhisperBeamSearch', 'WordConvEmbedding',
    ],
  },
  notes: {
    QLinearAveragePool: 'not in OperatorKernels.md; present in the 1.30 wasm build (probed)',
    QLinearConcat: 'not in OperatorKernels.md; present in the 1.30 wasm build (probed)',
    QLinearGlobalAveragePool: 'not in OperatorKernels.md; present in the 1.30 wasm build (probed)',
  },
};

/**
 * ONNX ops that have no CPU kernel but an ONNX function body: ORT expands them into primitive ops at load, so they
 * run (wasm) as those primitives. Ranges as probed in onnxruntime-web 1.30.0 (Bernoulli's body needs
 * RandomUniformLike, which has no opset-22 kernel; Swish only expands at opset 24).
 */
export const ORT_EXPANDED_FUNCTIONS: Readonly<Record<string, OpRange>> = {
  Bernoulli: [15, 21], CastLike: [15], CenterCropPad: [18], GroupNormalization: [18], HardSwish: [14], Mish: [18],
  NegativeLogLikelihoodLoss: [13], SoftmaxCrossEntropyLoss: [13], Swish: [24, 24],
};

/**
 * onnxruntime-web `webgpu` as the default `onnxruntime-web` import loads it in 1.30: the JSEP build
 * (ort-wasm-simd-threaded.jsep.wasm, the JS execution provider with WebGPU kernels). Nodes without a kernel here
 * run on the CPU EP (same build), with MemcpyToHost/MemcpyFromHost copies at each boundary.
 * `onnxruntime-web/webgpu` and `/jspi` load the native C++ WebGPU EP instead (asyncify build): its list differs and is
 * not modelled; for the int8 layouts this project writes it places nodes the same way (checked in Chromium).
 * Neither has a QuantizeLinear kernel in 1.30 (only DequantizeLinear): static QDQ models run their Q nodes on the CPU.
 */
export const WEBGPU_TABLE: OpTable = {
  backend: 'webgpu',
  runtime: "onnxruntime-web 1.30.0 'webgpu' via the default import (JSEP: JS execution provider on WebGPU)",
  missing: 'cpu-fallback',
  sources: [
    { repo: 'microsoft/onnxruntime', path: 'js/web/docs/webgpu-operators.md', describes: 'as shipped in npm onnxruntime-web@1.30.0 (docs/)', read: READ },
    {
      repo: 'microsoft/onnxruntime',
      path: 'js/web/lib/wasm/jsep/webgpu/op-resolve-rules.ts + kernels named in dist/ort-wasm-simd-threaded.jsep.mjs',
      describes: 'npm onnxruntime-web@1.30.0 (cross-check of the op names)',
      read: READ,
    },
  ],
  maxOpset: { 'ai.onnx': 26, 'ai.onnx.ml': 5, 'com.microsoft': 1 },
  domains: {
    'ai.onnx': {
      Abs: [6], Acos: [7], Acosh: [9], Add: [7], ArgMax: [1], ArgMin: [1], Asin: [7], Asinh: [9], Atan: [7], Atanh: [9],
      AveragePool: [7], BatchNormalization: [7], Cast: [6], Ceil: [6], Clip: [6], Concat: [1], Conv: [1],
      ConvTranspose: [1], Cos: [7], Cosh: [9], CumSum: [11], DFT: [17], DepthToSpace: [11], DequantizeLinear: [10],
      Div: [7], Einsum: [12], Elu: [6], Equal: [7], Erf: [9], Exp: [6], Expand: [8], Flatten: [1], Floor: [6],
      Gather: [1], GatherElements: [11], GatherND: [11], Gelu: [20], Gemm: [7], GlobalAveragePool: [1],
      GlobalMaxPool: [1], Greater: [7], GreaterOrEqual: [12], GridSample: [16, 19], HardSigmoid: [6], HardSwish: [14],
      If: [1], InstanceNormalization: [6], LayerNormalization: [1], LeakyRelu: [6], Less: [7], LessOrEqual: [12],
      Log: [6], MatMul: [1], MaxPool: [1], Mul: [7], Neg: [6], Not: [1], Pad: [2], Pow: [7], Range: [11],
      Reciprocal: [6], ReduceL1: [1], ReduceL2: [1], ReduceLogSum: [1], ReduceLogSumExp: [1], ReduceMax: [1],
      ReduceMean: [1], ReduceMin: [1], ReduceProd: [1], ReduceSum: [1], ReduceSumSquare: [1], Relu: [6], Reshape: [5],
      Resize: [10], ScatterND: [11], Shape: [1], Sigmoid: [6], SimplifiedLayerNormalization: [1], Sin: [7], Sinh: [9],
      Slice: [1], Softmax: [1], Split: [1], Sqrt: [6], Squeeze: [1], Sub: [7], Tan: [7], Tanh: [6],
      ThresholdedRelu: [10], Tile: [6], Transpose: [1], Unsqueeze: [1], Where: [9],
    },
    'com.microsoft': [
      'Attention', 'BiasAdd', 'BiasSplitGelu', 'FastGelu', 'FusedConv', 'GatherBlockQuantized', 'Gelu',
      'GroupQueryAttention', 'MatMulNBits', 'MultiHeadAttention', 'QuickGelu', 'RotaryEmbedding',
      'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization',
    ],
  },
  notes: {
    Attention: 'mask and past/present not implemented',
    AveragePool: 'needs perf work; fused activation not implemented',
    Conv: 'needs perf work; 3-D conv not supported; NCHW models get Transposes inserted (NHWC layout)',
    ConvTranspose: 'needs perf work; 3-D not supported',
    DequantizeLinear: 'int8/uint8/int32 inputs',
    MaxPool: 'needs perf work',
    MultiHeadAttention: 'mask and past/present not implemented',
    Reshape: 'no GPU kernel needed (metadata only)',
    Resize: 'align_corners with downsampling not supported',
    Shape: 'no GPU kernel needed (metadata only)',
    Transpose: 'needs perf work',
  },
};

/**
 * onnxruntime-web `webgl` (the onnxjs engine, deprecated): only in `onnxruntime-web/webgl` and `/all` in 1.30 (the
 * default import has no webgl backend). No CPU fallback: the first node without a kernel makes session creation throw
 * "cannot resolve operator 'X' with opsets: ai.onnx vN". It also cannot load float16 (and other unusual) tensors, and
 * in 1.30 run() rejects inputs whose declared shape has a symbolic dim ("input tensor[0] check failed").
 */
export const WEBGL_TABLE: OpTable = {
  backend: 'webgl',
  runtime: "onnxruntime-web 1.30.0 'webgl' (onnxjs; import 'onnxruntime-web/webgl' or '/all')",
  missing: 'session-fails',
  sources: [
    {
      repo: 'microsoft/onnxruntime',
      path: 'js/web/lib/onnxjs/backends/webgl/op-resolve-rules.ts',
      describes: 'as shipped in npm onnxruntime-web@1.30.0 (lib/)',
      read: READ,
    },
  ],
  domains: {
    'ai.onnx': {
      Abs: [6], Acos: [7], Add: [7], And: [7], Asin: [7], Atan: [7], AveragePool: [7], BatchNormalization: [7], Cast: [6],
      Ceil: [6], Clip: [6], Concat: [4], Conv: [1], ConvTranspose: [1], Cos: [7], DepthToSpace: [1], Div: [7],
      Dropout: [7], Elu: [6], Equal: [7], Exp: [6], Flatten: [1], Floor: [6], Gather: [1], Gemm: [7],
      GlobalAveragePool: [1], GlobalMaxPool: [1], Greater: [7], Identity: [1], ImageScaler: [1],
      InstanceNormalization: [6], LRN: [1], LeakyRelu: [6], Less: [7], Log: [6], MatMul: [1], MaxPool: [1], Mul: [7],
      Neg: [6], Not: [1], Or: [7], PRelu: [7], Pad: [2], Pow: [7], ReduceLogSum: [1], ReduceMax: [1], ReduceMean: [1],
      ReduceMin: [1], ReduceProd: [1], ReduceSum: [1, 12], ReduceSumSquare: [1], Relu: [6], Reshape: [5],
      Resize: [10], Shape: [1], Sigmoid: [6], Sin: [7], Slice: [1], Softmax: [1], Split: [2, 12], Sqrt: [6],
      Squeeze: [1], Sub: [7], Sum: [6], Tan: [7], Tanh: [6], Tile: [6], Transpose: [1], Unsqueeze: [1],
      Upsample: [7, 9], Xor: [7],
    },
    'com.microsoft': { FusedConv: [1] },
  },
  notes: {
    AveragePool: 'AveragePool-10 attributes not supported',
    MaxPool: 'MaxPool-8/10 attributes not supported',
    Slice: "Slice-10 'steps' not supported",
  },
};

/** Tensor element types the WebGL engine can load (onnxjs ProtoUtil.tensorDataTypeFromProto, 1.30): by DataType. */
export const WEBGL_LOADABLE_TYPES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13];

export const SUPPORT_TABLES = { wasm: WASM_TABLE, webgpu: WEBGPU_TABLE, webgl: WEBGL_TABLE } as const;
