using System.Buffers.Binary;
using System.IO.Compression;

namespace FFActors.Core.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format), gzip-compressed or raw. Only unsigned-byte payloads
/// are accepted (type code 0x08), which is what MNIST and Fashion-MNIST use.
/// </summary>
public static class IdxReader
{
    /// <summary>Images: magic 0x00000803, dims [count, rows, cols].</summary>
    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        var (data, dims) = Read(path, expectedRank: 3);
        return (data, dims[0], dims[1], dims[2]);
    }

    /// <summary>Labels: magic 0x00000801, dims [count]; every label must be below <paramref name="classes"/>.</summary>
    public static byte[] ReadLabels(string path, int classes = 10)
    {
        var (data, _) = Read(path, expectedRank: 1);
        for (int i = 0; i < data.Length; i++)
            if (data[i] >= classes)
                throw new IdxFormatException(path, $"label {data[i]} at index {i} is not in [0, {classes})");
        return data;
    }

    /// <summary>Rows and columns of an images file, from its header alone (the rest is not decompressed).</summary>
    public static (int Rows, int Cols) ImageSize(string path)
    {
        var header = new byte[16];
        int got = 0;
        using (var s = Open(path))
        {
            try
            {
                while (got < header.Length && s.Read(header, got, header.Length - got) is > 0 and var n) got += n;
            }
            catch (InvalidDataException e)
            {
                throw new IdxFormatException(path, $"corrupt gzip stream ({e.Message})");
            }
        }
        var (_, dims) = Header(path, header.AsSpan(0, got).ToArray(), expectedRank: 3);
        return (dims[1], dims[2]);
    }

    /// <summary>The payload, read straight into one array of the size the header gives (a 60 000-image file is 47 MB,
    /// so a growing buffer and copies of it would leave a few hundred MB of large-object garbage behind).</summary>
    static (byte[] Data, int[] Dims) Read(string path, int expectedRank)
    {
        using var s = Open(path);
        try
        {
            var start = new byte[4];
            int got = Fill(s, start);
            int rank = got == 4 ? start[3] : 0;
            var header = new byte[4 + 4 * Math.Min(rank, 8)];
            start.AsSpan(0, got).CopyTo(header);
            got += got == 4 ? Fill(s, header.AsSpan(4)) : 0;
            var (_, dims) = Header(path, header.AsSpan(0, got).ToArray(), expectedRank);
            long expected = dims.Aggregate(1L, (a, d) => a * d);
            if (expected > Array.MaxLength)
                throw new IdxFormatException(path, $"{string.Join("x", dims)} elements are more than one array holds");
            var data = new byte[expected];
            int read = Fill(s, data);
            if (read < expected)
                throw new IdxFormatException(path, $"truncated: header promises {expected} bytes of data ({string.Join("x", dims)}), file has {read}");
            long trailing = 0;
            var rest = new byte[81920];
            while (s.Read(rest) is > 0 and var n) trailing += n;
            if (trailing > 0)
                throw new IdxFormatException(path, $"{trailing} unexpected trailing bytes after {string.Join("x", dims)} elements");
            return (data, dims);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"corrupt gzip stream ({e.Message})");
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; the number of bytes read.</summary>
    static int Fill(Stream s, Span<byte> buffer)
    {
        int got = 0;
        while (got < buffer.Length && s.Read(buffer[got..]) is > 0 and var n) got += n;
        return got;
    }

    /// <summary>
    /// The file's bytes, decompressed when it starts with the gzip signature. A <c>.gz</c> name without it is reported as
    /// what it is (not a gzip file) rather than as an IDX file with a bad magic number.
    /// </summary>
    static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new IdxFormatException(path, Directory.Exists(path) ? "is a folder, not a file" : "file not found");
        var f = File.OpenRead(path);
        try
        {
            int b0 = f.ReadByte(), b1 = f.ReadByte();
            f.Position = 0;
            if (b0 == 0x1f && b1 == 0x8b) return new GZipStream(f, CompressionMode.Decompress);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new IdxFormatException(path, b0 < 0 ? "empty file (not a gzip file)" : $"not a gzip file (starts with 0x{b0:X2}{Math.Max(b1, 0):X2}, gzip files with 0x1F8B)");
            return f;
        }
        catch
        {
            f.Dispose();
            throw;
        }
    }

    /// <summary>Checks the IDX header in <paramref name="raw"/>; returns its length and the dimensions.</summary>
    static (int Length, int[] Dims) Header(string path, byte[] raw, int expectedRank)
    {
        if (raw.Length < 4) throw new IdxFormatException(path, $"too short for an IDX header ({raw.Length} bytes)");
        if (raw[0] != 0 || raw[1] != 0)
            throw new IdxFormatException(path, $"bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(raw):X8} (expected {ExpectedMagic(expectedRank)})");
        if (raw[2] != 0x08) throw new IdxFormatException(path, $"unsupported IDX element type 0x{raw[2]:X2} (only unsigned byte 0x08)");
        int rank = raw[3];
        if (rank != expectedRank)
            throw new IdxFormatException(path, $"bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(raw):X8} (expected {ExpectedMagic(expectedRank)})");
        int header = 4 + 4 * rank;
        if (raw.Length < header) throw new IdxFormatException(path, $"truncated header ({raw.Length} bytes)");
        var dims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(4 + 4 * d));
            if (v == 0 || v > int.MaxValue) throw new IdxFormatException(path, $"dimension {d} has invalid size {v}");
            dims[d] = (int)v;
        }
        return (header, dims);
    }

    static string ExpectedMagic(int rank) => rank == 1 ? "0x00000801, a label file" : "0x00000803, an image file";
}

/// <summary>A malformed or inconsistent IDX file. The message is one line and names the file.</summary>
public sealed class IdxFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
