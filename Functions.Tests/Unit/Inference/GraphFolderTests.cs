using Google.Protobuf;
using FunctionsWorker.Inference;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Functions.Tests.Unit.Inference;

/// <summary>
/// <see cref="GraphFolder"/> on small graphs built here, each run by ONNX Runtime before and after folding: what folds
/// gives the same output, and what must not fold (a shared tensor; on CUDA, a scale and shift before a padded
/// convolution) stays.
/// </summary>
public sealed class GraphFolderTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void ConvScaleShift_HardSwish_AndScaleShiftBeforeA1x1Conv_AllFold_AndTheOutputStaysTheSame()
    {
        var graph = new GraphBuilder();
        var y = graph.Conv("x", 4, 4, kernel: 3, pads: 1);
        y = graph.ScaleShift(y, 0.7f, -0.2f);
        y = graph.HardSwish(y);
        y = graph.ScaleShift(y, 1.3f, 0.4f);
        graph.Conv(y, 4, 3, kernel: 1, pads: 0, output: "y");
        var model = graph.Build();

        var (folded, folds) = GraphFolder.Fold(model, InferenceDevice.Cpu);

        Assert.Equal(new GraphFolds(ConvAffine: 1, HardSwish: 1, PointwiseAffine: 1, DepthwiseAffine: 0), folds);
        Assert.NotNull(folded);
        Assert.True(OperatorCount(folded) < OperatorCount(model), $"{OperatorCount(folded)} operators after folding, {OperatorCount(model)} before");
        AssertSameOutput(model, folded, outputChannels: 3);
    }

    [Fact]
    public void ATensorReadTwice_OrAPaddedConvAfterTheScaleShiftOnCuda_DoesNotFold_AndNothingIsReturned()
    {
        var model = ScaleShiftBeforeAPaddedConv();

        var (folded, folds) = GraphFolder.Fold(model, InferenceDevice.Cuda);

        Assert.Equal(default, folds);
        Assert.Null(folded);
    }

    [Fact]
    public void ScaleShiftBeforeAPaddedConv_OnCpu_BecomesOneDepthwiseConv_AndTheOutputStaysTheSame()
    {
        var model = ScaleShiftBeforeAPaddedConv();

        var (folded, folds) = GraphFolder.Fold(model, InferenceDevice.Cpu);

        Assert.Equal(new GraphFolds(ConvAffine: 0, HardSwish: 0, PointwiseAffine: 0, DepthwiseAffine: 1), folds);
        Assert.NotNull(folded);
        var nodes = ModelProto.Parser.ParseFrom(folded).Graph.Node.Where(node => node.OpType != "Constant").ToList();
        Assert.DoesNotContain(nodes, node => node.OpType is "Mul" or "Add");
        var depthwise = Assert.Single(nodes, node => node.Name.EndsWith("/folded_depthwise", StringComparison.Ordinal));
        Assert.Equal(4, depthwise.Attribute.Single(a => a.Name == "group").I);
        AssertSameOutput(model, folded, outputChannels: 4);
    }

    [Fact]
    public void ScaleShiftBeforeAGroupedConv_OnCpu_CoversEveryChannelTheConvReads()
    {
        var graph = new GraphBuilder();
        var y = graph.ScaleShift("x", 1.5f, -0.25f);
        // Two groups of two channels: the convolution reads group x 2 = 4 channels.
        graph.Conv(y, 2, 6, kernel: 3, pads: 1, output: "y", group: 2);
        var model = graph.Build();

        var (folded, folds) = GraphFolder.Fold(model, InferenceDevice.Cpu);

        Assert.Equal(1, folds.DepthwiseAffine);
        Assert.NotNull(folded);
        AssertSameOutput(model, folded, outputChannels: 6);
    }

    private static byte[] ScaleShiftBeforeAPaddedConv()
    {
        var graph = new GraphBuilder();
        var conv = graph.Conv("x", 4, 4, kernel: 3, pads: 1);
        // The convolution's output also goes to the graph's second output: folding the scale into it would change that.
        var scaled = graph.ScaleShift(conv, 0.5f, 0.1f);
        graph.Output(conv, "raw");

        // Scale and shift before a padded 3x3 convolution: its zero border would be shifted too, so it does not fold
        // into the weights.
        graph.Conv(scaled, 4, 4, kernel: 3, pads: 1, output: "y");
        return graph.Build();
    }

    [Fact]
    public void HardSwishWithAnotherConstant_IsLeftAlone()
    {
        var graph = new GraphBuilder();
        var y = graph.Conv("x", 4, 4, kernel: 1, pads: 0);
        // x * clip(x + 2, 0, 6) / 6 is not hard-swish.
        y = graph.HardSwish(y, offset: 2f);
        graph.Output(y, "y");

        var (folded, folds) = GraphFolder.Fold(graph.Build(), InferenceDevice.Cpu);

        Assert.Equal(0, folds.HardSwish);
        Assert.Null(folded);
    }

    [Fact]
    public void BytesThatAreNoModel_AreLeftForOnnxRuntimeToReport()
    {
        var (folded, folds) = GraphFolder.Fold("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n"u8.ToArray(), InferenceDevice.Cpu);

        Assert.Null(folded);
        Assert.Equal(0, folds.Total);
    }

    private static int OperatorCount(byte[] model) => ModelProto.Parser.ParseFrom(model).Graph.Node.Count(node => node.OpType != "Constant");

    private static void AssertSameOutput(byte[] original, byte[] folded, int outputChannels)
    {
        var random = new Random(7);
        var input = new float[1 * 4 * 6 * 5];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 8) - 4);
        }

        var expected = Run(original, input);
        var actual = Run(folded, input);
        Assert.Equal(outputChannels * 6 * 5, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < Tolerance, $"largest difference {worst}");
        // Hard-swish's flat part must have been reached, or the test says little about it.
        Assert.Contains(expected, v => Math.Abs(v) > 0.5f);
    }

    private static float[] Run(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 4, 6, 5]);
        using var options = new RunOptions();
        using var results = session.Run(options, ["x"], [value], ["y"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>A float graph of opset 13 with input <c>x</c> [1,4,6,5]; constants are initializers.</summary>
    private sealed class GraphBuilder
    {
        private readonly GraphProto _graph = new() { Name = "folding" };
        private readonly Random _random = new(3);
        private int _next;

        public GraphBuilder() => _graph.Input.Add(Value("x"));

        public string Conv(string input, int inputs, int outputs, int kernel, int pads, string? output = null, int group = 1)
        {
            // inputs: the channels each output reads (its group's).
            var weights = new float[outputs * inputs * kernel * kernel];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(_random.NextDouble() - 0.5);
            }

            var bias = Enumerable.Range(0, outputs).Select(o => o * 0.1f).ToArray();
            var node = Node("Conv", [input, Constant(weights, outputs, inputs, kernel, kernel), Constant(bias, outputs)], output);
            node.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { kernel, kernel } });
            node.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { pads, pads, pads, pads } });
            node.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = group });
            return node.Output[0];
        }

        public string ScaleShift(string input, float scale, float shift) =>
            Node("Add", [Node("Mul", [Constant([scale]), input]).Output[0], Constant([shift])]).Output[0];

        public string HardSwish(string input, float offset = 3f)
        {
            var shifted = Node("Add", [input, Constant([offset])]).Output[0];
            var clipped = Node("Clip", [shifted, Scalar(0f), Scalar(6f)]).Output[0];
            var product = Node("Mul", [input, clipped]).Output[0];
            return Node("Div", [product, Constant([6f])]).Output[0];
        }

        public void Output(string name, string output)
        {
            if (name != output)
            {
                Node("Identity", [name], output);
            }

            _graph.Output.Add(Value(output));
        }

        public byte[] Build()
        {
            if (!_graph.Output.Any(o => o.Name == "y"))
            {
                _graph.Output.Add(Value("y"));
            }

            var model = new ModelProto { IrVersion = 8, Graph = _graph };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            return model.ToByteArray();
        }

        private NodeProto Node(string op, string[] inputs, string? output = null)
        {
            var node = new NodeProto { OpType = op, Name = $"{op}_{_next}" };
            node.Input.AddRange(inputs);
            node.Output.Add(output ?? $"t{_next++}");
            _graph.Node.Add(node);
            return node;
        }

        private string Constant(float[] values, params long[] dims)
        {
            var name = $"c{_next++}";
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims.Length == 0 ? [values.Length] : dims);
            tensor.FloatData.AddRange(values);
            _graph.Initializer.Add(tensor);
            return name;
        }

        /// <summary>A rank-0 constant, as Clip's bounds must be.</summary>
        private string Scalar(float value)
        {
            var name = $"c{_next++}";
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.FloatData.Add(value);
            _graph.Initializer.Add(tensor);
            return name;
        }

        private static ValueInfoProto Value(string name) => new()
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        };
    }
}
