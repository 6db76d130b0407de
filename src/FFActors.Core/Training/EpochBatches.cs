using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// One epoch's shuffled batch order with the dataset indices of every batch. Draws the permutation
/// with exactly the call <see cref="Dataset.Batches"/> makes, so the batches are identical to it for
/// the same generator; unlike it, a batch can be rebuilt at random (for replay after a restore), and
/// its images come augmented when the run asks for it.
/// </summary>
public sealed class EpochBatches : IDisposable
{
    readonly Dataset data;
    readonly Tensor permutation;
    readonly BatchAugmentation? augment;
    readonly int epoch;

    public int BatchSize { get; }
    public int Count { get; }

    public EpochBatches(Dataset data, int batchSize, Generator shuffle, BatchAugmentation? augment = null, int epoch = 0)
    {
        this.data = data;
        this.augment = augment;
        this.epoch = epoch;
        int n = data.Count;
        BatchSize = batchSize <= 0 ? n : Math.Min(batchSize, n);
        Count = (n + BatchSize - 1) / BatchSize;
        permutation = randperm(n, generator: shuffle, device: data.Device).DetachFromDisposeScope();
    }

    /// <summary>Samples in batch <paramref name="batch"/>.</summary>
    public int SizeOf(int batch) => Math.Min(BatchSize, data.Count - batch * BatchSize);

    /// <summary>Dataset indices of batch <paramref name="batch"/> (a view of the permutation).</summary>
    public Tensor Indices(int batch) => permutation.narrow(0, (long)batch * BatchSize, SizeOf(batch));

    /// <summary>Images, labels and indices of batch <paramref name="batch"/>, in the caller's dispose scope.</summary>
    public (Tensor X, Tensor Y, Tensor Indices) Get(int batch)
    {
        var idx = Indices(batch);
        var x = data.Select(idx);
        if (augment is not null)
        {
            using var plain = x;
            x = augment.Apply(plain, epoch, batch);
        }
        return (x, data.Labels.index_select(0, idx), idx);
    }

    public IEnumerable<(Tensor X, Tensor Y, Tensor Indices)> All()
    {
        for (int b = 0; b < Count; b++) yield return Get(b);
    }

    public void Dispose() => permutation.Dispose();
}
