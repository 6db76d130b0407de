using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// One split of a dataset, resident on the training device: its rows [N, features] and <c>Labels</c> [N] int64.
/// Rows are read as float32 through <see cref="Rows"/>, <see cref="Select"/> and <see cref="All"/>. A split loaded from
/// image files keeps its pixels as bytes (a quarter of the float32 size) and normalises the rows it hands out;
/// the normalisation is element-wise, so a row reads the same whichever way it is taken.
/// </summary>
public sealed class Dataset : ILabelledRows, IDisposable
{
    /// <summary>Float32 rows, or uint8 pixels when <see cref="decode"/> is set.</summary>
    readonly Tensor stored;
    readonly PixelDecoding? decode;

    public Tensor Labels { get; }
    public int Count => (int)Labels.shape[0];
    public int Features => (int)stored.shape[1];
    public string Name { get; }
    public Device Device => stored.device;

    /// <summary>A split of float rows, kept as given.</summary>
    public Dataset(string name, Tensor rows, Tensor labels) : this(name, rows, labels, null) { }

    Dataset(string name, Tensor stored, Tensor labels, PixelDecoding? decode)
    {
        if (stored.shape[0] != labels.shape[0])
            throw new ArgumentException($"{name}: {stored.shape[0]} images but {labels.shape[0]} labels");
        if (decode is not null && stored.dtype != ScalarType.Byte)
            throw new ArgumentException($"{name}: pixels must be bytes, not {stored.dtype}");
        Name = name;
        this.stored = stored.DetachFromDisposeScope();
        this.decode = decode;
        Labels = labels.DetachFromDisposeScope();
    }

    /// <summary>A split of image pixels [N, features] uint8, read as <paramref name="decode"/> makes them.</summary>
    public static Dataset FromPixels(string name, Tensor pixels, Tensor labels, PixelDecoding decode) => new(name, pixels, labels, decode);

    /// <summary>Rows [start, start+count) as float32: a view of float rows, a new tensor of decoded pixels.</summary>
    public Tensor Rows(int start, int count) => Read(stored.narrow(0, start, count));

    /// <summary>The rows at <paramref name="indices"/>, as float32.</summary>
    public Tensor Select(Tensor indices) => Read(stored.index_select(0, indices));

    /// <summary>Every row as float32 (a view of float rows, a new tensor of decoded pixels).</summary>
    public Tensor All() => Rows(0, Count);

    Tensor Read(Tensor part)
    {
        if (decode is null) return part;
        using (part) return decode.Apply(part);
    }

    /// <summary>Rows [start, start+count) as views (no copy).</summary>
    public Dataset Slice(string name, int start, int count) =>
        new(name, stored.narrow(0, start, count), Labels.narrow(0, start, count), decode);

    /// <summary>Rows [start, start+count) copied into a split of their own.</summary>
    public Dataset Copy(string name, int start, int count) =>
        new(name, stored.narrow(0, start, count).contiguous(), Labels.narrow(0, start, count).contiguous(), decode);

    /// <summary>This split on <paramref name="device"/>, stored as it is here.</summary>
    public Dataset To(Device device) => new(Name, stored.to(device), Labels.to(device), decode);

    public IEnumerable<(Tensor X, Tensor Y)> Batches(int batchSize, Generator? shuffle)
    {
        // Only the permutation and each batch are materialised, never a shuffled copy of the set.
        foreach (var (start, len, idx) in BatchOrder.Of(Count, batchSize, shuffle, Device))
            yield return idx is null
                ? (Rows(start, len), Labels.narrow(0, start, len))
                : (Select(idx), Labels.index_select(0, idx));
    }

    public void Dispose()
    {
        stored.Dispose();
        Labels.Dispose();
    }
}

/// <summary>How uint8 pixels become model inputs: scaled to [0, 1] and then normalised as <paramref name="Normalization"/> says.</summary>
public sealed record PixelDecoding(Normalization Normalization, double Mean, double Std)
{
    public PixelDecoding(DatasetInfo info, Normalization normalization) : this(normalization, info.Mean, info.Std) { }

    /// <summary>Float32 inputs of <paramref name="pixels"/> (a new tensor).</summary>
    public Tensor Apply(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels.to(ScalarType.Float32);
        x = Normalization switch
        {
            Normalization.None => x,
            Normalization.Unit => x.div_(KeptScalars.Of(255f)),
            Normalization.MeanStd => x.div_(KeptScalars.Of(255f)).sub_(KeptScalars.Of(Mean)).div_(KeptScalars.Of(Std)),
            Normalization.Symmetric => x.div_(KeptScalars.Of(127.5f)).sub_(KeptScalars.Of(1f)),
            _ => throw new ArgumentOutOfRangeException(nameof(Normalization)),
        };
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Train, optional validation and test splits of one dataset, on one device.</summary>
public sealed class DataSplits(DatasetInfo info, Dataset train, Dataset? validation, Dataset test) : IDisposable
{
    public DatasetInfo Info { get; } = info;
    public Dataset Train { get; } = train;
    public Dataset? Validation { get; } = validation;
    public Dataset Test { get; } = test;

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test.Dispose();
    }
}

/// <summary>A dataset known to FFActors: where its IDX files live, its pixel statistics and its image size.</summary>
/// <param name="Side">Rows = columns of its images: files of another size under its name are someone else's data,
/// and its statistics would normalise them wrongly.</param>
public sealed record DatasetInfo(string Name, string Folder, double Mean, double Std, int Classes = 10, int Side = 28)
{
    public static readonly DatasetInfo Mnist = new("mnist", "mnist", 0.1307, 0.3081);
    public static readonly DatasetInfo FashionMnist = new("fashion-mnist", "fashion-mnist", 0.2860, 0.3530);

    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist];

    public static DatasetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
