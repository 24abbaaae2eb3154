using System.Globalization;
using Google.Protobuf;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Writes small, valid ONNX models (ir_version 8, opset 13) field by field with protobuf's CodedOutputStream, so tests
/// need neither protoc nor model files. Shapes are strings: a number is a fixed dimension, anything else
/// (<c>"N"</c>, <c>"H"</c>) a named dynamic one. The presets cover what the image pipelines need; the builder
/// methods compose anything else from float tensors.
/// </summary>
public sealed class OnnxModelWriter
{
    private const long IrVersion = 8;
    private const long OpsetVersion = 13;
    private const int FloatType = 1;

    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];

    /// <summary>The usual image input: NCHW float, batch and spatial dimensions dynamic.</summary>
    public static readonly string[] ImageShape = ["N", "3", "H", "W"];

    /// <summary>y = x.</summary>
    public static byte[] Identity(params string[] shape) => Unary("Identity", Or(shape));

    /// <summary>y = x + value.</summary>
    public static byte[] AddConstant(float value, params string[] shape) =>
        new OnnxModelWriter()
            .Input("x", Or(shape))
            .Initializer("c", [value])
            .Node("Add", ["x", "c"], ["y"])
            .Output("y", Or(shape))
            .ToBytes();

    /// <summary>Colour inversion of an image in [0,1]: y = 1 - x, same shape.</summary>
    public static byte[] InvertColours(params string[] shape) =>
        new OnnxModelWriter()
            .Input("x", Or(shape))
            .Initializer("one", [1f])
            .Node("Sub", ["one", "x"], ["y"])
            .Output("y", Or(shape))
            .ToBytes();

    /// <summary>An alpha mask from an NCHW image: y = sigmoid(mean over channels), shape [N,1,H,W].</summary>
    public static byte[] AlphaMask(params string[] shape)
    {
        var input = Or(shape);
        string[] output = [input[0], "1", input[2], input[3]];
        return new OnnxModelWriter()
            .Input("x", input)
            .Node("ReduceMean", ["x"], ["mean"], OnnxAttribute.Of("axes", [1L]), OnnxAttribute.Of("keepdims", 1L))
            .Node("Sigmoid", ["mean"], ["y"])
            .Output("y", output)
            .ToBytes();
    }

    /// <summary>A 3x3 box blur of an NCHW image (edges average only the pixels inside), same shape.</summary>
    public static byte[] Blur(params string[] shape) =>
        new OnnxModelWriter()
            .Input("x", Or(shape))
            .Node(
                "AveragePool", ["x"], ["y"],
                OnnxAttribute.Of("kernel_shape", 3L, 3L),
                OnnxAttribute.Of("pads", 1L, 1L, 1L, 1L),
                OnnxAttribute.Of("count_include_pad", 0L))
            .Output("y", Or(shape))
            .ToBytes();

    public OnnxModelWriter Input(string name, params string[] shape)
    {
        _inputs.Add(ValueInfo(name, shape));
        return this;
    }

    public OnnxModelWriter Output(string name, params string[] shape)
    {
        _outputs.Add(ValueInfo(name, shape));
        return this;
    }

    /// <summary>A constant float tensor; no dims means a scalar (which broadcasts).</summary>
    public OnnxModelWriter Initializer(string name, float[] values, params long[] dims)
    {
        _initializers.Add(Message(o =>
        {
            foreach (var dim in dims)
            {
                WriteInt64(o, 1, dim);
            }

            WriteInt64(o, 2, FloatType);
            WriteString(o, 8, name);
            var raw = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
            o.WriteTag(9, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(raw));
        }));
        return this;
    }

    public OnnxModelWriter Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        var index = _nodes.Count;
        _nodes.Add(Message(o =>
        {
            foreach (var input in inputs)
            {
                WriteString(o, 1, input);
            }

            foreach (var output in outputs)
            {
                WriteString(o, 2, output);
            }

            WriteString(o, 3, $"{opType.ToLowerInvariant()}_{index}");
            WriteString(o, 4, opType);
            foreach (var attribute in attributes)
            {
                WriteMessage(o, 5, Attribute(attribute));
            }
        }));
        return this;
    }

    public byte[] ToBytes()
    {
        var graph = Message(o =>
        {
            _nodes.ForEach(node => WriteMessage(o, 1, node));
            WriteString(o, 2, "test-graph");
            _initializers.ForEach(tensor => WriteMessage(o, 5, tensor));
            _inputs.ForEach(input => WriteMessage(o, 11, input));
            _outputs.ForEach(output => WriteMessage(o, 12, output));
        });
        var opset = Message(o =>
        {
            WriteString(o, 1, string.Empty);
            WriteInt64(o, 2, OpsetVersion);
        });
        return Message(o =>
        {
            WriteInt64(o, 1, IrVersion);
            WriteString(o, 2, "Functions.Tests.OnnxModelWriter");
            WriteMessage(o, 7, graph);
            WriteMessage(o, 8, opset);
        });
    }

    private static byte[] Unary(string opType, string[] shape) =>
        new OnnxModelWriter().Input("x", shape).Node(opType, ["x"], ["y"]).Output("y", shape).ToBytes();

    private static string[] Or(string[] shape) => shape.Length == 0 ? ImageShape : shape;

    private static byte[] ValueInfo(string name, string[] shape)
    {
        var tensorShape = Message(o =>
        {
            foreach (var dim in shape)
            {
                WriteMessage(o, 1, Message(d =>
                {
                    if (long.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    {
                        WriteInt64(d, 1, value);
                    }
                    else
                    {
                        WriteString(d, 2, dim);
                    }
                }));
            }
        });
        var tensorType = Message(o =>
        {
            WriteInt64(o, 1, FloatType);
            WriteMessage(o, 2, tensorShape);
        });
        var type = Message(o => WriteMessage(o, 1, tensorType));
        return Message(o =>
        {
            WriteString(o, 1, name);
            WriteMessage(o, 2, type);
        });
    }

    private static byte[] Attribute(OnnxAttribute attribute) => Message(o =>
    {
        WriteString(o, 1, attribute.Name);
        if (attribute.Float is { } f)
        {
            o.WriteTag(2, WireFormat.WireType.Fixed32);
            o.WriteFloat(f);
            WriteInt64(o, 20, 1);
        }
        else if (attribute.Int is { } i)
        {
            WriteInt64(o, 3, i);
            WriteInt64(o, 20, 2);
        }
        else if (attribute.Ints is { } ints)
        {
            foreach (var value in ints)
            {
                WriteInt64(o, 8, value);
            }

            WriteInt64(o, 20, 7);
        }
        else
        {
            throw new ArgumentException($"Attribute '{attribute.Name}' has no value.", nameof(attribute));
        }
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    private static void WriteMessage(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }
}
