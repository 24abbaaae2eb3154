using System.Text;

namespace Functions.Tests.Fixtures;

/// <summary>Reads the shared libraries an ELF64 little-endian file names as its dependencies (DT_NEEDED), as ldd lists them.</summary>
public static class ElfFile
{
    private const uint LoadSegment = 1;
    private const uint DynamicSegment = 2;
    private const long NeededTag = 1;
    private const long StringTableTag = 5;

    public static IReadOnlyList<string> Needed(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadUInt32() != 0x464C457F || reader.ReadByte() != 2 || reader.ReadByte() != 1)
        {
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file");
        }

        reader.BaseStream.Position = 0x20;
        var programHeaders = reader.ReadInt64();
        reader.BaseStream.Position = 0x36;
        var entrySize = reader.ReadUInt16();
        var count = reader.ReadUInt16();

        var loads = new List<(long Offset, long Address, long Size)>();
        (long Offset, long Size)? dynamic = null;
        for (var i = 0; i < count; i++)
        {
            reader.BaseStream.Position = programHeaders + (i * entrySize);
            var type = reader.ReadUInt32();
            reader.ReadUInt32();
            var (offset, address) = (reader.ReadInt64(), reader.ReadInt64());
            reader.ReadInt64();
            var size = reader.ReadInt64();
            if (type == LoadSegment)
            {
                loads.Add((offset, address, size));
            }
            else if (type == DynamicSegment)
            {
                dynamic = (offset, size);
            }
        }

        var (dynamicOffset, dynamicSize) = dynamic ?? throw new InvalidDataException($"{path} has no dynamic section");
        var neededNames = new List<long>();
        long strings = 0;
        reader.BaseStream.Position = dynamicOffset;
        for (long read = 0; read < dynamicSize; read += 16)
        {
            var (tag, value) = (reader.ReadInt64(), reader.ReadInt64());
            if (tag == NeededTag)
            {
                neededNames.Add(value);
            }
            else if (tag == StringTableTag)
            {
                // An address in memory: the file offset is found through the segment that loads it.
                var segment = loads.Single(l => value >= l.Address && value < l.Address + l.Size);
                strings = value - segment.Address + segment.Offset;
            }
        }

        return neededNames.Select(name => ReadString(reader, strings + name)).ToList();
    }

    private static string ReadString(BinaryReader reader, long position)
    {
        reader.BaseStream.Position = position;
        var bytes = new List<byte>();
        for (var b = reader.ReadByte(); b != 0; b = reader.ReadByte())
        {
            bytes.Add(b);
        }

        return Encoding.ASCII.GetString([.. bytes]);
    }
}
