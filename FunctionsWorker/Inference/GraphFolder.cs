using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace FunctionsWorker.Inference;

/// <summary>
/// Exact rewrites of an ONNX graph that ONNX Runtime's own optimiser leaves alone, applied before the session is built.
/// Exporters such as paddle2onnx spell hard-swish as four element-wise nodes and a learnable scale and shift as two
/// more, and each is a pass over the whole tensor: in PP-OCRv4 those passes were 45% of the recogniser's time. Four
/// rewrites, each exact up to float rounding:
/// <list type="bullet">
/// <item>Conv, then Mul and Add by scalar constants: folded into the convolution's weights and bias.</item>
/// <item>x * Clip(x + 3, 0, 6) / 6: x * HardSigmoid(x) (alpha 1/6, beta 1/2), two nodes for four.</item>
/// <item>Mul and Add by scalar constants before a 1x1 convolution without padding: folded into its weights and bias
/// (with padding the border would change, so those stay).</item>
/// <item>On CPU, Mul and Add by scalar constants before any other convolution: one 1x1 depthwise convolution (the scale
/// as its weights, the shift as its bias). ONNX Runtime runs convolutions in its blocked NCHWc layout on CPU but not
/// scalar element-wise nodes, so the pair cost two layout reorders and two passes; the convolution stays in the layout
/// and is one pass (0.86x the recogniser's time). Not on CUDA, where it is not measured.</item>
/// </list>
/// A graph with subgraphs (If, Loop, Scan) is left whole: their nodes may read any tensor of the outer graph.
/// </summary>
internal static class GraphFolder
{
    /// <summary>Largest file folded: the whole model is parsed into memory, and protobuf stops at 2 GiB anyway.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    /// <summary>
    /// The folded model, or null when nothing folds (or the file is not a model this reads): the caller then loads the
    /// file as it is, and ONNX Runtime reports whatever is wrong with it.
    /// </summary>
    public static (byte[]? Model, GraphFolds Folds) Fold(byte[] model, InferenceDevice device)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException)
        {
            return (null, default);
        }

        var graph = proto.Graph;
        if (graph is null || graph.Node.Any(node => node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)))
        {
            return (null, default);
        }

        var rewriter = new Rewriter(graph);
        var folds = new GraphFolds(
            rewriter.Fold("Conv", rewriter.TryFoldConvAffine),
            rewriter.Fold("Add", rewriter.TryFoldHardSwish),
            rewriter.Fold("Mul", rewriter.TryFoldAffineBeforePointwiseConv),
            // After the fold above, so only the pairs it could not take become convolutions.
            device == InferenceDevice.Cpu ? rewriter.Fold("Mul", rewriter.TryAffineAsDepthwiseConv) : 0);
        if (folds.Total == 0)
        {
            return (null, folds);
        }

        rewriter.RemoveUnusedConstants();
        return (proto.ToByteArray(), folds);
    }

    private sealed class Rewriter(GraphProto graph)
    {
        private readonly Dictionary<string, TensorProto> _constants = Constants(graph);
        private int _added;

        /// <summary>Tries <paramref name="tryFold"/> on each node of <paramref name="opType"/>; how many folded.</summary>
        public int Fold(string opType, Func<NodeProto, bool> tryFold)
        {
            var folded = 0;
            // A snapshot: a fold removes nodes from the graph.
            foreach (var node in graph.Node.Where(node => node.OpType == opType).ToList())
            {
                if (tryFold(node))
                {
                    folded++;
                }
            }

            return folded;
        }

        public bool TryFoldConvAffine(NodeProto conv)
        {
            if (SoleConsumer(conv.Output[0]) is not { OpType: "Mul" } mul
                || ScaleShift(mul, conv.Output[0]) is not (var add, var scale, var shift)
                || Weights(conv) is not { } weights)
            {
                return false;
            }

            var w = Array.ConvertAll(weights.W, v => v * scale);
            var b = Array.ConvertAll(weights.B, v => (v * scale) + shift);
            SetWeights(conv, w, weights.Dims, b);
            conv.Output[0] = add.Output[0];
            graph.Node.Remove(mul);
            graph.Node.Remove(add);
            return true;
        }

        public bool TryFoldHardSwish(NodeProto add)
        {
            var x = add.Input.Count != 2 ? null : IsScalar(add.Input[1], 3f) ? add.Input[0] : IsScalar(add.Input[0], 3f) ? add.Input[1] : null;
            if (x is null
                || SoleConsumer(add.Output[0]) is not { OpType: "Clip" } clip
                || !ClipsTo(clip, 0f, 6f)
                || SoleConsumer(clip.Output[0]) is not { OpType: "Mul" } mul
                || !mul.Input.Contains(x)
                || SoleConsumer(mul.Output[0]) is not { OpType: "Div" } div
                || div.Input[0] != mul.Output[0]
                || !IsScalar(div.Input[1], 6f))
            {
                return false;
            }

            var hardSigmoid = new NodeProto { OpType = "HardSigmoid", Name = add.Name + "/folded_hard_sigmoid" };
            hardSigmoid.Input.Add(x);
            hardSigmoid.Output.Add(clip.Output[0]);
            hardSigmoid.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1f / 6f });
            hardSigmoid.Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f });
            graph.Node[graph.Node.IndexOf(add)] = hardSigmoid;
            graph.Node.Remove(clip);
            mul.Output[0] = div.Output[0];
            graph.Node.Remove(div);
            return true;
        }

        public bool TryFoldAffineBeforePointwiseConv(NodeProto mul)
        {
            if (AffineBeforeConv(mul) is not (var x, var add, var scale, var shift, var conv)
                || !IsPointwiseWithoutPadding(conv)
                || Weights(conv) is not { } weights)
            {
                return false;
            }

            // Each output channel sums its inputs (its group's, for a grouped convolution) times the weights.
            var perOutput = weights.W.Length / weights.B.Length;
            var w = Array.ConvertAll(weights.W, v => v * scale);
            var b = new float[weights.B.Length];
            for (var o = 0; o < b.Length; o++)
            {
                var sum = 0d;
                for (var i = 0; i < perOutput; i++)
                {
                    sum += weights.W[(o * perOutput) + i];
                }

                b[o] = (float)(weights.B[o] + (shift * sum));
            }

            SetWeights(conv, w, weights.Dims, b);
            conv.Input[0] = x;
            graph.Node.Remove(mul);
            graph.Node.Remove(add);
            return true;
        }

        public bool TryAffineAsDepthwiseConv(NodeProto mul)
        {
            if (AffineBeforeConv(mul) is not (var x, var add, var scale, var shift, var conv)
                || !_constants.TryGetValue(conv.Input[1], out var weights)
                || weights.Dims.Count < 3)
            {
                return false;
            }

            // The convolution reads group x (its weights' second dimension) channels.
            var channels = (conv.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1) * weights.Dims[1];
            var ones = Enumerable.Repeat(1L, weights.Dims.Count - 2).ToArray();
            var depthwise = new NodeProto { OpType = "Conv", Name = mul.Name + "/folded_depthwise" };
            depthwise.Input.Add(x);
            depthwise.Input.Add(AddConstant(depthwise.Name + "_w", Enumerable.Repeat(scale, (int)channels).ToArray(), [channels, 1, .. ones]));
            depthwise.Input.Add(AddConstant(depthwise.Name + "_b", Enumerable.Repeat(shift, (int)channels).ToArray(), [channels]));
            depthwise.Output.Add(add.Output[0]);
            depthwise.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = channels });
            depthwise.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { ones } });
            graph.Node[graph.Node.IndexOf(mul)] = depthwise;
            graph.Node.Remove(add);
            return true;
        }

        public void RemoveUnusedConstants()
        {
            var used = graph.Node.SelectMany(node => node.Input).Concat(graph.Output.Select(output => output.Name)).ToHashSet();
            foreach (var node in graph.Node.Where(node => node.OpType == "Constant" && !used.Contains(node.Output[0])).ToList())
            {
                graph.Node.Remove(node);
            }

            var inputs = graph.Input.Select(input => input.Name).ToHashSet();
            foreach (var initializer in graph.Initializer.Where(t => !used.Contains(t.Name) && !inputs.Contains(t.Name)).ToList())
            {
                graph.Initializer.Remove(initializer);
            }
        }

        private static Dictionary<string, TensorProto> Constants(GraphProto graph)
        {
            var constants = new Dictionary<string, TensorProto>();
            // An initializer that is also a graph input can be overridden at run time, so it is no constant.
            var inputs = graph.Input.Select(input => input.Name).ToHashSet();
            foreach (var initializer in graph.Initializer.Where(t => !inputs.Contains(t.Name)))
            {
                constants[initializer.Name] = initializer;
            }

            foreach (var node in graph.Node.Where(node => node.OpType == "Constant" && node.Output.Count == 1))
            {
                if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } tensor)
                {
                    constants[node.Output[0]] = tensor;
                }
            }

            return constants;
        }

        private static bool IsPointwiseWithoutPadding(NodeProto conv)
        {
            var kernel = conv.Attribute.FirstOrDefault(a => a.Name == "kernel_shape");
            var pads = conv.Attribute.FirstOrDefault(a => a.Name == "pads");
            var autoPad = conv.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8();
            return kernel is not null && kernel.Ints.All(k => k == 1)
                && (pads is null || pads.Ints.All(p => p == 0))
                && autoPad is null or "" or "NOTSET" or "VALID";
        }

        /// <summary>The node that alone reads <paramref name="tensor"/>, unless the graph also outputs it.</summary>
        private NodeProto? SoleConsumer(string tensor)
        {
            if (graph.Output.Any(output => output.Name == tensor))
            {
                return null;
            }

            NodeProto? consumer = null;
            foreach (var node in graph.Node)
            {
                foreach (var input in node.Input)
                {
                    if (input == tensor)
                    {
                        if (consumer is not null)
                        {
                            return null;
                        }

                        consumer = node;
                    }
                }
            }

            return consumer;
        }

        /// <summary>
        /// <paramref name="mul"/> multiplies <paramref name="x"/> by a scalar constant and its output goes only to an Add
        /// of another: the Add and both constants, else null.
        /// </summary>
        private (NodeProto Add, float Scale, float Shift)? ScaleShift(NodeProto mul, string x) =>
            Scalar(mul, x) is { } scale
            && SoleConsumer(mul.Output[0]) is { OpType: "Add" } add
            && Scalar(add, mul.Output[0]) is { } shift
                ? (add, scale, shift)
                : null;

        /// <summary>
        /// <paramref name="mul"/> scales and shifts a tensor by scalar constants into a convolution that alone reads it:
        /// the tensor, the Add, both constants and the convolution, else null.
        /// </summary>
        private (string X, NodeProto Add, float Scale, float Shift, NodeProto Conv)? AffineBeforeConv(NodeProto mul)
        {
            var x = mul.Input.Count != 2 ? null : _constants.ContainsKey(mul.Input[0]) ? mul.Input[1] : mul.Input[0];
            return x is not null
                && ScaleShift(mul, x) is (var add, var scale, var shift)
                && SoleConsumer(add.Output[0]) is { OpType: "Conv" } conv
                && conv.Input[0] == add.Output[0]
                && conv.Input.Count > 1
                    ? (x, add, scale, shift, conv)
                    : null;
        }

        /// <summary>The one-element float constant that <paramref name="node"/> combines with <paramref name="x"/>.</summary>
        private float? Scalar(NodeProto node, string x)
        {
            if (node.Input.Count != 2 || !node.Input.Contains(x))
            {
                return null;
            }

            var other = node.Input[0] == x ? node.Input[1] : node.Input[0];
            return other != x && Floats(other) is [var value] ? value : null;
        }

        private bool IsScalar(string name, float value) => Floats(name) is [var v] && v == value;

        private bool ClipsTo(NodeProto clip, float min, float max)
        {
            // Opset 6-10: attributes; 11 and later: optional inputs.
            var minValue = clip.Input.Count > 1 ? (Floats(clip.Input[1]) is [var a] ? a : float.NaN) : clip.Attribute.FirstOrDefault(x => x.Name == "min")?.F;
            var maxValue = clip.Input.Count > 2 ? (Floats(clip.Input[2]) is [var b] ? b : float.NaN) : clip.Attribute.FirstOrDefault(x => x.Name == "max")?.F;
            return minValue == min && maxValue == max;
        }

        private (float[] W, long[] Dims, float[] B)? Weights(NodeProto conv)
        {
            if (conv.Input.Count < 2 || Floats(conv.Input[1]) is not { } w || !_constants.TryGetValue(conv.Input[1], out var tensor) || tensor.Dims.Count < 2)
            {
                return null;
            }

            var outputs = (int)tensor.Dims[0];
            var b = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? Floats(conv.Input[2]) : new float[outputs];
            return b is not null && b.Length == outputs ? (w, tensor.Dims.ToArray(), b) : null;
        }

        private float[]? Floats(string name)
        {
            if (!_constants.TryGetValue(name, out var tensor) || tensor.DataType != (int)TensorProto.Types.DataType.Float || tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                return null;
            }

            if (tensor.FloatData.Count > 0)
            {
                return [.. tensor.FloatData];
            }

            // ONNX stores raw data little-endian, as the platforms ONNX Runtime ships for are.
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        /// <summary>New constants for the convolution (the old ones may be shared), as Constant nodes, which every IR version takes.</summary>
        private void SetWeights(NodeProto conv, float[] w, long[] dims, float[] b)
        {
            conv.Input[1] = AddConstant(conv.Name + "/folded_w", w, dims);
            var bias = AddConstant(conv.Name + "/folded_b", b, [b.Length]);
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = bias;
            }
            else
            {
                conv.Input.Add(bias);
            }
        }

        private string AddConstant(string hint, float[] values, long[] dims)
        {
            var name = $"{hint}_{_added++}";
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
            tensor.Dims.AddRange(dims);
            var node = new NodeProto { OpType = "Constant", Name = name };
            node.Output.Add(name);
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
            graph.Node.Insert(0, node);
            _constants[name] = tensor;
            return name;
        }
    }
}
