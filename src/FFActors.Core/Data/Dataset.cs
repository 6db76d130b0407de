using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// One split of a dataset, resident on the training device as two tensors:
/// <c>Images</c> [N, features] float32 and <c>Labels</c> [N] int64.
/// </summary>
public sealed class Dataset : ILabelledRows, IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count => (int)Labels.shape[0];
    public int Features => (int)Images.shape[1];
    public string Name { get; }

    public Dataset(string name, Tensor images, Tensor labels)
    {
        if (images.shape[0] != labels.shape[0])
            throw new ArgumentException($"{name}: {images.shape[0]} images but {labels.shape[0]} labels");
        Name = name;
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
    }

    /// <summary>Rows [start, start+count) as views (no copy).</summary>
    public Dataset Slice(string name, int start, int count) =>
        new(name, Images.narrow(0, start, count), Labels.narrow(0, start, count));

    public IEnumerable<(Tensor X, Tensor Y)> Batches(int batchSize, Generator? shuffle)
    {
        // Only the permutation and each batch are materialised, never a shuffled copy of the set.
        foreach (var (start, len, idx) in BatchOrder.Of(Count, batchSize, shuffle, Images.device))
            yield return idx is null
                ? (Images.narrow(0, start, len), Labels.narrow(0, start, len))
                : (Images.index_select(0, idx), Labels.index_select(0, idx));
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
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
