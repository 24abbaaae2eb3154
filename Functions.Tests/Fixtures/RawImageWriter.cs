using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Writes image files byte by byte for the odd formats SkiaSharp does not encode (grayscale, palette and 16-bit PNG,
/// animated GIF, BMP) and adds EXIF orientation to a JPEG, so decoder tests need no fixture files.
/// </summary>
public static class RawImageWriter
{
    /// <summary>A PNG from raw rows (no filter bytes); <paramref name="palette"/> is RGB triples for colour type 3.</summary>
    public static byte[] Png(int width, int height, byte colourType, byte bitDepth, byte[][] rows, byte[]? palette = null, ushort? exifOrientation = null)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(row);
            }
        }

        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WritePngChunk(stream, "IHDR", ihdr);
        if (palette is not null)
        {
            WritePngChunk(stream, "PLTE", palette);
        }

        if (exifOrientation is { } orientation)
        {
            WritePngChunk(stream, "eXIf", ExifOrientation(orientation));
        }

        WritePngChunk(stream, "IDAT", compressed.ToArray());
        WritePngChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    /// <summary>
    /// An animated GIF of <paramref name="width"/>x<paramref name="height"/> with one solid frame per colour (at most 4),
    /// looping, 100 ms a frame. LZW is written the simplest valid way: a clear code before every two pixels keeps the
    /// code width at 3 bits.
    /// </summary>
    public static byte[] AnimatedGif(int width, int height, params SKColor[] frames)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frames.Length, 4);
        using var stream = new MemoryStream();
        stream.Write("GIF89a"u8);
        WriteUInt16(stream, width);
        WriteUInt16(stream, height);
        stream.Write([0xF1, 0, 0]); // global colour table of 4 entries, 8-bit colour resolution
        for (var i = 0; i < 4; i++)
        {
            var colour = i < frames.Length ? frames[i] : SKColors.Black;
            stream.Write([colour.Red, colour.Green, colour.Blue]);
        }

        stream.Write([0x21, 0xFF, 0x0B]);
        stream.Write("NETSCAPE2.0"u8);
        stream.Write([0x03, 0x01, 0x00, 0x00, 0x00]); // loop forever

        for (var frame = 0; frame < frames.Length; frame++)
        {
            stream.Write([0x21, 0xF9, 0x04, 0x00, 10, 0, 0, 0]); // graphic control: 100 ms, no transparency
            stream.WriteByte(0x2C);
            WriteUInt16(stream, 0);
            WriteUInt16(stream, 0);
            WriteUInt16(stream, width);
            WriteUInt16(stream, height);
            stream.WriteByte(0); // no local colour table, not interlaced
            stream.WriteByte(2); // LZW minimum code size
            var data = Lzw(width * height, (byte)frame);
            for (var offset = 0; offset < data.Length; offset += 255)
            {
                var length = Math.Min(255, data.Length - offset);
                stream.WriteByte((byte)length);
                stream.Write(data, offset, length);
            }

            stream.WriteByte(0);
        }

        stream.WriteByte(0x3B);
        return stream.ToArray();
    }

    /// <summary>A bottom-up 24-bit BMP (BITMAPINFOHEADER).</summary>
    public static byte[] Bmp(int width, int height, Func<int, int, SKColor> pixel)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var pixelBytes = rowBytes * height;
        var file = new byte[54 + pixelBytes];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), pixelBytes);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * rowBytes);
            for (var x = 0; x < width; x++)
            {
                var colour = pixel(x, y);
                file[row + (x * 3)] = colour.Blue;
                file[row + (x * 3) + 1] = colour.Green;
                file[row + (x * 3) + 2] = colour.Red;
            }
        }

        return file;
    }

    /// <summary>The JPEG with an EXIF APP1 segment right after SOI whose only tag is Orientation (0x0112).</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        }

        byte[] payload = [.. "Exif\0\0"u8, .. ExifOrientation(orientation)];

        using var result = new MemoryStream();
        result.Write(jpeg, 0, 2);
        result.Write([0xFF, 0xE1, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        result.Write(payload);
        result.Write(jpeg, 2, jpeg.Length - 2);
        return result.ToArray();
    }

    /// <summary>
    /// The WebP (as SkiaSharp writes it: simple VP8/VP8L, or extended VP8X) rewritten as extended WebP with an EXIF
    /// chunk whose only tag is Orientation.
    /// </summary>
    public static byte[] WebPWithExifOrientation(byte[] webp, int width, int height, ushort orientation)
    {
        if (webp.Length < 12 || Encoding.ASCII.GetString(webp, 0, 4) != "RIFF" || Encoding.ASCII.GetString(webp, 8, 4) != "WEBP")
        {
            throw new ArgumentException("Not a WebP.", nameof(webp));
        }

        byte flags = 0x08; // EXIF
        using var chunks = new MemoryStream();
        for (var offset = 12; offset + 8 <= webp.Length;)
        {
            var type = Encoding.ASCII.GetString(webp, offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(offset + 4));
            var padded = 8 + size + (size & 1);
            if (type == "VP8X")
            {
                flags |= webp[offset + 8];
            }
            else
            {
                // Lossless images carry alpha inside VP8L; the header bit tells the demuxer to expect it.
                flags |= type is "VP8L" or "ALPH" ? (byte)0x10 : (byte)0;
                chunks.Write(webp, offset, padded);
            }

            offset += padded;
        }

        byte[] exif = ExifOrientation(orientation);
        var vp8x = new byte[10];
        vp8x[0] = flags;
        WriteUInt24(vp8x.AsSpan(4), width - 1);
        WriteUInt24(vp8x.AsSpan(7), height - 1);

        using var body = new MemoryStream();
        body.Write("WEBP"u8);
        WriteRiffChunk(body, "VP8X", vp8x);
        chunks.Position = 0;
        chunks.CopyTo(body);
        WriteRiffChunk(body, "EXIF", exif);

        using var result = new MemoryStream();
        result.Write("RIFF"u8);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, (int)body.Length);
        result.Write(length);
        body.Position = 0;
        body.CopyTo(result);
        return result.ToArray();
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }

    private static void WriteRiffChunk(Stream stream, string type, byte[] data)
    {
        stream.Write(Encoding.ASCII.GetBytes(type));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, data.Length);
        stream.Write(size);
        stream.Write(data);
        if ((data.Length & 1) != 0)
        {
            stream.WriteByte(0);
        }
    }

    /// <summary>
    /// An 8x8 solid-colour baseline CMYK JPEG with an Adobe APP14 marker (transform 0), its samples stored inverted as
    /// Photoshop writes them (0 = full ink). Each block is DC only, with one quantisation table of ones and minimal
    /// Huffman tables: every DC category a 4-bit code, and end-of-block the only AC symbol.
    /// </summary>
    public static byte[] AdobeCmykJpeg(byte c, byte m, byte y, byte k)
    {
        using var stream = new MemoryStream();
        stream.Write([0xFF, 0xD8]);
        WriteJpegSegment(stream, 0xEE, [.. "Adobe"u8, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);
        WriteJpegSegment(stream, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        WriteJpegSegment(stream, 0xC0, [8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        WriteJpegSegment(stream, 0xC4, [0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        WriteJpegSegment(stream, 0xC4, [0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
        WriteJpegSegment(stream, 0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]);

        var bits = new List<bool>();
        void Emit(int value, int count)
        {
            for (var bit = count - 1; bit >= 0; bit--)
            {
                bits.Add(((value >> bit) & 1) != 0);
            }
        }

        foreach (var sample in new[] { c, m, y, k })
        {
            // A flat block's DC coefficient is 8 * (sample - 128); with quantiser 1 it is coded as is.
            var dc = 8 * (sample - 128);
            var category = dc == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(dc));
            Emit(category, 4);
            Emit(dc >= 0 ? dc : dc + (1 << category) - 1, category);
            Emit(0, 1); // end of block
        }

        while (bits.Count % 8 != 0)
        {
            bits.Add(true);
        }

        for (var i = 0; i < bits.Count; i += 8)
        {
            var value = 0;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value << 1) | (bits[i + bit] ? 1 : 0);
            }

            stream.WriteByte((byte)value);
            if (value == 0xFF)
            {
                stream.WriteByte(0x00);
            }
        }

        stream.Write([0xFF, 0xD9]);
        return stream.ToArray();
    }

    private static void WriteJpegSegment(Stream stream, byte marker, byte[] payload)
    {
        stream.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        stream.Write(payload);
    }

    /// <summary>A TIFF-structured EXIF block whose only tag is Orientation.</summary>
    private static byte[] ExifOrientation(ushort orientation)
    {
        using var exif = new MemoryStream();
        exif.Write([(byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]); // big-endian TIFF, IFD0 at offset 8
        exif.Write([0x00, 0x01]); // one entry
        exif.Write([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // Orientation, SHORT, count 1
        exif.Write([(byte)(orientation >> 8), (byte)orientation, 0x00, 0x00]);
        exif.Write([0x00, 0x00, 0x00, 0x00]); // no next IFD
        return exif.ToArray();
    }

    private static byte[] Lzw(int pixels, byte index)
    {
        const int Clear = 4;
        const int End = 5;
        const int Width = 3;
        var bits = new List<bool>();
        void Emit(int code)
        {
            for (var bit = 0; bit < Width; bit++)
            {
                bits.Add(((code >> bit) & 1) != 0);
            }
        }

        for (var i = 0; i < pixels; i++)
        {
            if (i % 2 == 0)
            {
                Emit(Clear);
            }

            Emit(index);
        }

        Emit(End);
        var bytes = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
        {
            if (bits[i])
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return bytes;
    }

    private static void WriteUInt16(Stream stream, int value) => stream.Write([(byte)value, (byte)(value >> 8)]);

    private static void WritePngChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        stream.Write(u32);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(u32, System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data]));
        stream.Write(u32);
    }
}
