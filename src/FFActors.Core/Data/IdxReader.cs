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

    static (byte[] Data, int[] Dims) Read(string path, int expectedRank)
    {
        if (!File.Exists(path)) throw new IdxFormatException(path, "file not found");
        byte[] raw;
        try
        {
            raw = IsGzip(path) ? Gunzip(path) : File.ReadAllBytes(path);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"corrupt gzip stream ({e.Message})");
        }
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
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(4 + 4 * d));
            if (v == 0 || v > int.MaxValue) throw new IdxFormatException(path, $"dimension {d} has invalid size {v}");
            dims[d] = (int)v;
            expected *= v;
        }
        long actual = raw.Length - header;
        if (actual != expected)
            throw new IdxFormatException(path, actual < expected
                ? $"truncated: header promises {expected} bytes of data ({string.Join("x", dims)}), file has {actual}"
                : $"{actual - expected} unexpected trailing bytes after {string.Join("x", dims)} elements");
        return (raw.AsSpan(header).ToArray(), dims);
    }

    static string ExpectedMagic(int rank) => rank == 1 ? "0x00000801 for labels" : "0x00000803 for images";

    static bool IsGzip(string path)
    {
        using var f = File.OpenRead(path);
        return f.ReadByte() == 0x1f && f.ReadByte() == 0x8b;
    }

    static byte[] Gunzip(string path)
    {
        using var f = File.OpenRead(path);
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}

/// <summary>A malformed or inconsistent IDX file. The message is one line and names the file.</summary>
public sealed class IdxFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
