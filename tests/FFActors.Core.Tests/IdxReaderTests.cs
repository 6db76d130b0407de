using System.Buffers.Binary;
using System.IO.Compression;
using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public sealed class IdxReaderTests : IDisposable
{
    readonly TempFolder dir = new();
    public void Dispose() => dir.Dispose();

    static byte[] Idx(byte type, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    static byte[] Images(int count, int rows, int cols) =>
        Idx(0x08, [count, rows, cols], Enumerable.Range(0, count * rows * cols).Select(i => (byte)(i * 7 % 256)).ToArray());

    static byte[] Labels(params byte[] labels) => Idx(0x08, [labels.Length], labels);

    static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    string Write(string name, byte[] bytes)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static void AssertIdxError(string path, Action read, string fragment)
    {
        var e = Assert.Throws<IdxFormatException>(read);
        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_raw_and_gzipped(bool gzip)
    {
        var img = Images(3, 2, 4);
        var lab = Labels(3, 0, 9);
        var ip = Write("img.idx", gzip ? Gzip(img) : img);
        var lp = Write("lab.idx", gzip ? Gzip(lab) : lab);

        var (pixels, count, rows, cols) = IdxReader.ReadImages(ip);
        Assert.Equal((3, 2, 4), (count, rows, cols));
        Assert.Equal(img.AsSpan(16).ToArray(), pixels);
        Assert.Equal(new byte[] { 3, 0, 9 }, IdxReader.ReadLabels(lp));
    }

    [Theory]
    [InlineData(Normalization.None, 1.0, 0.0)]
    [InlineData(Normalization.Unit, 1 / 255.0, 0.0)]
    [InlineData(Normalization.Symmetric, 2 / 255.0, -1.0)]
    public void FromFiles_builds_float_images_and_int64_labels(Normalization norm, double scale, double offset)
    {
        var img = Images(4, 2, 3);
        var ip = Write("train-images.gz", Gzip(img));
        var lp = Write("train-labels", Labels(1, 2, 3, 4));
        using var ds = DatasetLoader.FromFiles("train", ip, lp, DatasetInfo.Mnist, norm, limit: 3, CPU);

        Assert.Equal(3, ds.Count);
        Assert.Equal(6, ds.Features);
        using var rows = ds.All();
        Assert.Equal(ScalarType.Float32, rows.dtype);
        Assert.Equal(ScalarType.Int64, ds.Labels.dtype);
        Assert.Equal(new long[] { 1, 2, 3 }, Tensors.Longs(ds.Labels));
        var x = Tensors.Floats(rows);
        for (int i = 0; i < 18; i++) Assert.Equal(img[16 + i] * scale + offset, x[i], 5);
    }

    [Fact]
    public void FromFiles_MeanStd_uses_the_dataset_statistics()
    {
        var img = Images(2, 1, 5);
        var ip = Write("i", img);
        var lp = Write("l", Labels(0, 1));
        using var ds = DatasetLoader.FromFiles("test", ip, lp, DatasetInfo.FashionMnist, Normalization.MeanStd, 0, CPU);
        var x = Tensors.Floats(ds.All());
        for (int i = 0; i < 10; i++) Assert.Equal((img[16 + i] / 255.0 - 0.2860) / 0.3530, x[i], 4);
    }

    [Theory]
    [InlineData(Normalization.None)]
    [InlineData(Normalization.Unit)]
    [InlineData(Normalization.MeanStd)]
    [InlineData(Normalization.Symmetric)]
    public void BlankPixel_is_what_a_zero_byte_becomes(Normalization norm)
    {
        var img = Images(1, 1, 3);
        img[16] = 0;
        var ip = Write("blank-i", img);
        var lp = Write("blank-l", Labels(0));
        using var ds = DatasetLoader.FromFiles("test", ip, lp, DatasetInfo.FashionMnist, norm, 0, CPU);
        Assert.Equal(DatasetLoader.BlankPixel(DatasetInfo.FashionMnist, norm), Tensors.Floats(ds.All())[0], 5);
    }

    [Fact]
    public void Truncated_payload_is_reported()
    {
        var img = Images(3, 2, 2);
        var path = Write("short-images", img.AsSpan(0, img.Length - 5).ToArray());
        AssertIdxError(path, () => IdxReader.ReadImages(path), "truncated");
    }

    [Fact]
    public void Truncated_gzip_stream_is_reported()
    {
        var gz = Gzip(Images(50, 28, 28));
        var path = Write("short-images.gz", gz.AsSpan(0, gz.Length / 2).ToArray());
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Corrupt_gzip_stream_is_reported()
    {
        var path = Write("garbage.gz", [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var path = Write("header", Images(2, 2, 2).AsSpan(0, 10).ToArray());
        AssertIdxError(path, () => IdxReader.ReadImages(path), "truncated header");
        var tiny = Write("tiny", [0, 0]);
        AssertIdxError(tiny, () => IdxReader.ReadLabels(tiny), "too short");
    }

    [Fact]
    public void Trailing_bytes_are_reported()
    {
        var path = Write("long-labels", [.. Labels(1, 2), 7, 7]);
        AssertIdxError(path, () => IdxReader.ReadLabels(path), "2 unexpected trailing bytes");
    }

    [Fact]
    public void Wrong_magic_is_reported()
    {
        var bytes = Images(1, 2, 2);
        bytes[0] = 0x12;
        bytes[1] = 0x34;
        var path = Write("magic", bytes);
        AssertIdxError(path, () => IdxReader.ReadImages(path), "bad magic number 0x12340803");
    }

    [Fact]
    public void Labels_file_read_as_images_is_reported_as_wrong_magic()
    {
        var path = Write("labels-not-images", Labels(1, 2, 3));
        AssertIdxError(path, () => IdxReader.ReadImages(path), "expected 0x00000803");
        var img = Write("images-not-labels", Images(1, 1, 1));
        AssertIdxError(img, () => IdxReader.ReadLabels(img), "expected 0x00000801");
    }

    [Fact]
    public void Non_byte_element_type_is_reported()
    {
        var path = Write("floats", Idx(0x0D, [1], [0, 0, 0, 0]));
        AssertIdxError(path, () => IdxReader.ReadLabels(path), "element type 0x0D");
    }

    [Fact]
    public void Zero_dimension_is_reported()
    {
        var path = Write("empty", Idx(0x08, [0, 28, 28], []));
        AssertIdxError(path, () => IdxReader.ReadImages(path), "invalid size 0");
    }

    [Fact]
    public void Label_out_of_range_is_reported_with_its_index()
    {
        var path = Write("labels", Labels(0, 9, 10, 1));
        AssertIdxError(path, () => IdxReader.ReadLabels(path), "label 10 at index 2");
        Assert.Equal(new byte[] { 0, 9, 10, 1 }, IdxReader.ReadLabels(path, classes: 11));
    }

    [Fact]
    public void Label_and_image_count_mismatch_is_reported_on_the_labels_file()
    {
        var ip = Write("images", Images(5, 2, 2));
        var lp = Write("labels", Labels(0, 1, 2, 3));
        AssertIdxError(lp, () => DatasetLoader.FromFiles("train", ip, lp, DatasetInfo.Mnist, Normalization.Unit, 0, CPU),
            "4 labels but");
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var path = dir.File("does-not-exist-idx3-ubyte.gz");
        AssertIdxError(path, () => IdxReader.ReadImages(path), "not found");
        var lp = Write("labels", Labels(0));
        AssertIdxError(path, () => DatasetLoader.FromFiles("train", path, lp, DatasetInfo.Mnist, Normalization.Unit, 0, CPU), "not found");
    }

    [Fact]
    public void LoadSplit_falls_back_to_uncompressed_files()
    {
        Write("t10k-images-idx3-ubyte", Images(2, 3, 3));
        Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(4, 5)));
        using var ds = DatasetLoader.LoadSplit(DatasetInfo.Mnist, dir.Path, "t10k", Normalization.None, 0, CPU);
        Assert.Equal("test", ds.Name);
        Assert.Equal(2, ds.Count);
        Assert.Equal(9, ds.Features);
        Assert.Equal(new long[] { 4, 5 }, Tensors.Longs(ds.Labels));
    }

    [Fact]
    public void Load_reports_unknown_dataset_and_missing_folder()
    {
        var unknown = Assert.Throws<ArgumentException>(() => DatasetLoader.Load(new DataOptions("cifar", dir.Path), CPU));
        Assert.Contains("cifar", unknown.Message);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => DatasetLoader.Load(new DataOptions("mnist", dir.Path), CPU));
        Assert.Contains(Path.Combine(dir.Path, "mnist"), missing.Message);
    }
}
