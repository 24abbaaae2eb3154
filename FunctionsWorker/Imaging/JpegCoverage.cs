namespace FunctionsWorker.Imaging;

/// <summary>
/// Counts how many of a JPEG's blocks its Huffman-coded data actually holds. libjpeg fills whatever a scan lacks
/// (data that ends at a marker, a bad Huffman code) with grey and only warns, and SkCodec reports that as success,
/// so a file whose header claims more pixels than its data carries would otherwise decode to a grey picture.
/// Sequential scans are walked block by block; progressive files through their first DC and AC scans (refinement scans,
/// which need every coefficient's history, are not). Anything this walker does not understand (arithmetic coding,
/// lossless, a missing table) is left to Skia.
/// </summary>
internal static class JpegCoverage
{
    /// <summary>How far the data reaches: <paramref name="Decoded"/> of <paramref name="Expected"/> MCUs of the first short scan.</summary>
    internal readonly record struct Result(bool Checked, bool Complete, long Decoded, long Expected);

    private static readonly Result Unchecked = new(false, true, 0, 0);

    public static Result Measure(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return Unchecked;
        }

        var frame = default(Frame);
        var tables = new HuffmanTable?[8];
        var restartInterval = 0;
        var walkedAny = false;
        var pos = 2;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes.
            if (pos >= data.Length || data[pos] != 0xFF)
            {
                return walkedAny ? new Result(true, true, 0, 0) : Unchecked;
            }

            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++;
            }

            if (pos >= data.Length)
            {
                return walkedAny ? new Result(true, true, 0, 0) : Unchecked;
            }

            var marker = data[pos++];
            if (marker is 0xD9)
            {
                return walkedAny ? new Result(true, true, 0, 0) : Unchecked;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (pos + 2 > data.Length)
            {
                return Unchecked;
            }

            var length = (data[pos] << 8) | data[pos + 1];
            if (length < 2 || pos + length > data.Length)
            {
                return Unchecked;
            }

            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    if (!Frame.TryParse(segment, progressive: marker == 0xC2, out frame))
                    {
                        return Unchecked;
                    }

                    break;
                case 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                    // Lossless, hierarchical or arithmetic-coded: not walked here.
                    return Unchecked;
                case 0xC4:
                    if (!HuffmanTable.TryParseAll(segment, tables))
                    {
                        return Unchecked;
                    }

                    break;
                case 0xDD:
                    if (segment.Length < 2)
                    {
                        return Unchecked;
                    }

                    restartInterval = (segment[0] << 8) | segment[1];
                    break;
                case 0xDA:
                    if (frame.Components is null || !Scan.TryParse(segment, frame, tables, out var scan))
                    {
                        return Unchecked;
                    }

                    if (!frame.Progressive || scan.FirstPass)
                    {
                        var reader = new BitReader(data, pos);
                        var (decoded, expected) = WalkScan(ref reader, frame, scan, restartInterval);
                        if (decoded < expected)
                        {
                            return new Result(true, false, decoded, expected);
                        }

                        walkedAny = true;
                        pos = reader.Position;
                    }

                    pos = SkipEntropyData(data, pos);
                    break;
            }
        }
    }

    // Walks every MCU of one scan; returns how many were whole and how many the frame needs.
    private static (long Decoded, long Expected) WalkScan(ref BitReader reader, Frame frame, Scan scan, int restartInterval)
    {
        long mcusX, mcusY;
        if (scan.Components.Length == 1)
        {
            // A single-component scan is not interleaved: its blocks cover only that component's own size.
            var c = scan.Components[0].Frame;
            mcusX = CeilDiv(CeilDiv((long)frame.Width * c.H, frame.MaxH), 8);
            mcusY = CeilDiv(CeilDiv((long)frame.Height * c.V, frame.MaxV), 8);
        }
        else
        {
            mcusX = CeilDiv(frame.Width, 8L * frame.MaxH);
            mcusY = CeilDiv(frame.Height, 8L * frame.MaxV);
        }

        var expected = mcusX * mcusY;
        var endOfBandRun = 0;
        for (long mcu = 0; mcu < expected; mcu++)
        {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0)
            {
                if (!reader.TakeRestartMarker())
                {
                    return (mcu, expected);
                }

                endOfBandRun = 0;
            }

            if (frame.Progressive && scan.SpectralStart > 0)
            {
                if (!WalkProgressiveAcBlock(ref reader, scan, ref endOfBandRun))
                {
                    return (mcu, expected);
                }

                continue;
            }

            foreach (var component in scan.Components)
            {
                var blocks = scan.Components.Length == 1 ? 1 : component.Frame.H * component.Frame.V;
                for (var b = 0; b < blocks; b++)
                {
                    if (!WalkBlock(ref reader, component, frame.Progressive))
                    {
                        return (mcu, expected);
                    }
                }
            }
        }

        return (expected, expected);
    }

    // A progressive AC first pass: one component, one band of coefficients, and runs of blocks with nothing in the band.
    private static bool WalkProgressiveAcBlock(ref BitReader reader, Scan scan, ref int endOfBandRun)
    {
        if (endOfBandRun > 0)
        {
            endOfBandRun--;
            return true;
        }

        var table = scan.Components[0].Ac;
        for (var k = scan.SpectralStart; k <= scan.SpectralEnd;)
        {
            var rs = table.Decode(ref reader);
            if (rs < 0)
            {
                return false;
            }

            var run = rs >> 4;
            var size = rs & 0x0F;
            if (size != 0)
            {
                if (!reader.Skip(size))
                {
                    return false;
                }

                k += run + 1;
            }
            else if (run == 15)
            {
                k += 16;
            }
            else
            {
                var extra = reader.ReadBits(run);
                if (extra < 0)
                {
                    return false;
                }

                endOfBandRun = (1 << run) + extra - 1;
                break;
            }
        }

        return true;
    }

    private static bool WalkBlock(ref BitReader reader, ScanComponent component, bool dcOnly)
    {
        var dc = component.Dc.Decode(ref reader);
        if (dc < 0 || !reader.Skip(dc & 0x1F))
        {
            return false;
        }

        if (dcOnly)
        {
            return true;
        }

        for (var k = 1; k < 64;)
        {
            var rs = component.Ac.Decode(ref reader);
            if (rs < 0)
            {
                return false;
            }

            var run = rs >> 4;
            var size = rs & 0x0F;
            if (size == 0)
            {
                if (run != 15)
                {
                    break;
                }

                k += 16;
                continue;
            }

            if (!reader.Skip(size))
            {
                return false;
            }

            k += run + 1;
        }

        return true;
    }

    // Entropy-coded data runs until the first marker that is neither a stuffed 0xFF00 nor a restart marker.
    private static int SkipEntropyData(ReadOnlySpan<byte> data, int pos)
    {
        while (pos + 1 < data.Length)
        {
            if (data[pos] == 0xFF && data[pos + 1] is not (0x00 or 0xFF or (>= 0xD0 and <= 0xD7)))
            {
                return pos;
            }

            pos++;
        }

        return data.Length;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private readonly record struct FrameComponent(int Id, int H, int V);

    private readonly record struct ScanComponent(FrameComponent Frame, HuffmanTable Dc, HuffmanTable Ac);

    private readonly record struct Frame(int Width, int Height, int MaxH, int MaxV, bool Progressive, FrameComponent[] Components)
    {
        public static bool TryParse(ReadOnlySpan<byte> s, bool progressive, out Frame frame)
        {
            frame = default;
            if (s.Length < 6)
            {
                return false;
            }

            var height = (s[1] << 8) | s[2];
            var width = (s[3] << 8) | s[4];
            var count = s[5];
            if (height == 0 || width == 0 || count == 0 || s.Length < 6 + (3 * count))
            {
                return false;
            }

            var components = new FrameComponent[count];
            int maxH = 1, maxV = 1;
            for (var i = 0; i < count; i++)
            {
                var h = s[7 + (3 * i)] >> 4;
                var v = s[7 + (3 * i)] & 0x0F;
                if (h is < 1 or > 4 || v is < 1 or > 4)
                {
                    return false;
                }

                components[i] = new FrameComponent(s[6 + (3 * i)], h, v);
                maxH = Math.Max(maxH, h);
                maxV = Math.Max(maxV, v);
            }

            frame = new Frame(width, height, maxH, maxV, progressive, components);
            return true;
        }
    }

    private readonly record struct Scan(ScanComponent[] Components, int SpectralStart, int SpectralEnd, bool FirstPass)
    {
        public static bool TryParse(ReadOnlySpan<byte> s, Frame frame, HuffmanTable?[] tables, out Scan scan)
        {
            scan = default;
            if (s.Length < 1)
            {
                return false;
            }

            var count = s[0];
            if (count is < 1 or > 4 || s.Length < 1 + (2 * count) + 3)
            {
                return false;
            }

            var spectralStart = s[1 + (2 * count)];
            var spectralEnd = s[2 + (2 * count)];
            var approximationHigh = s[3 + (2 * count)] >> 4;
            var firstPass = approximationHigh == 0;
            if (frame.Progressive && firstPass && (spectralEnd > 63 || spectralStart > spectralEnd || (spectralStart > 0 && count != 1)))
            {
                return false;
            }

            var dcPass = spectralStart == 0;
            var components = new ScanComponent[count];
            for (var i = 0; i < count; i++)
            {
                var id = s[1 + (2 * i)];
                var match = Array.FindIndex(frame.Components, c => c.Id == id);
                var dc = tables[s[2 + (2 * i)] >> 4 & 0x03];
                var ac = tables[4 + (s[2 + (2 * i)] & 0x03)];
                var needsDc = !frame.Progressive || dcPass;
                var needsAc = !frame.Progressive || !dcPass;
                if (match < 0 || (firstPass && needsDc && dc is null) || (firstPass && needsAc && ac is null))
                {
                    // libjpeg substitutes the standard tables for missing ones (Motion-JPEG): not walked here.
                    return false;
                }

                components[i] = new ScanComponent(frame.Components[match], dc ?? HuffmanTable.Empty, ac ?? HuffmanTable.Empty);
            }

            scan = new Scan(components, spectralStart, spectralEnd, firstPass);
            return true;
        }
    }

    private sealed class HuffmanTable
    {
        public static readonly HuffmanTable Empty = new(new int[17], []);

        private readonly int[] _maxCode = new int[17];
        private readonly int[] _minCode = new int[17];
        private readonly int[] _valuePointer = new int[17];
        private readonly byte[] _values;

        private HuffmanTable(int[] counts, byte[] values)
        {
            _values = values;
            var code = 0;
            var k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _valuePointer[length] = k;
                _minCode[length] = code;
                code += counts[length];
                k += counts[length];
                _maxCode[length] = counts[length] == 0 ? -1 : code - 1;
                code <<= 1;
            }
        }

        public static bool TryParseAll(ReadOnlySpan<byte> s, HuffmanTable?[] tables)
        {
            while (s.Length > 0)
            {
                if (s.Length < 17)
                {
                    return false;
                }

                var tableClass = s[0] >> 4;
                var id = s[0] & 0x0F;
                if (tableClass > 1 || id > 3)
                {
                    return false;
                }

                var counts = new int[17];
                var total = 0;
                for (var i = 1; i <= 16; i++)
                {
                    counts[i] = s[i];
                    total += s[i];
                }

                if (total > 256 || s.Length < 17 + total)
                {
                    return false;
                }

                tables[(tableClass * 4) + id] = new HuffmanTable(counts, s.Slice(17, total).ToArray());
                s = s[(17 + total)..];
            }

            return true;
        }

        /// <summary>The next symbol, or -1 when the data ends or holds a code the table lacks.</summary>
        public int Decode(ref BitReader reader)
        {
            var code = 0;
            for (var length = 1; length <= 16; length++)
            {
                var bit = reader.ReadBit();
                if (bit < 0)
                {
                    return -1;
                }

                code = (code << 1) | bit;
                if (code <= _maxCode[length])
                {
                    var index = _valuePointer[length] + code - _minCode[length];
                    return index < _values.Length ? _values[index] : -1;
                }
            }

            return -1;
        }
    }

    private ref struct BitReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _current;
        private int _bitsLeft;

        public int Position { get; private set; } = position;

        public int ReadBit()
        {
            if (_bitsLeft == 0)
            {
                if (Position >= _data.Length)
                {
                    return -1;
                }

                var b = _data[Position];
                if (b == 0xFF)
                {
                    // 0xFF00 is a stuffed 0xFF; anything else is a marker, where the scan's data ends.
                    if (Position + 1 >= _data.Length || _data[Position + 1] != 0x00)
                    {
                        return -1;
                    }

                    Position += 2;
                }
                else
                {
                    Position++;
                }

                _current = b;
                _bitsLeft = 8;
            }

            _bitsLeft--;
            return (_current >> _bitsLeft) & 1;
        }

        /// <summary>The next <paramref name="bits"/> bits as a number, or -1 when the data ends.</summary>
        public int ReadBits(int bits)
        {
            var value = 0;
            for (var i = 0; i < bits; i++)
            {
                var bit = ReadBit();
                if (bit < 0)
                {
                    return -1;
                }

                value = (value << 1) | bit;
            }

            return value;
        }

        public bool Skip(int bits)
        {
            for (var i = 0; i < bits; i++)
            {
                if (ReadBit() < 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Drops the padding bits and the restart marker that must follow a restart interval.</summary>
        public bool TakeRestartMarker()
        {
            _bitsLeft = 0;
            if (Position + 1 >= _data.Length || _data[Position] != 0xFF)
            {
                return false;
            }

            while (Position + 1 < _data.Length && _data[Position + 1] == 0xFF)
            {
                Position++;
            }

            if (Position + 1 >= _data.Length || _data[Position + 1] is < 0xD0 or > 0xD7)
            {
                return false;
            }

            Position += 2;
            return true;
        }
    }
}
