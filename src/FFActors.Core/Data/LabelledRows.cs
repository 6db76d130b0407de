using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>Labelled rows that mini-batches are drawn from: a dataset's images, or the stored features of a split.</summary>
public interface ILabelledRows
{
    int Count { get; }

    /// <summary>
    /// The batches of one epoch. With a generator the order is a fresh permutation of the rows
    /// (<see cref="BatchOrder"/>); without one, batches are consecutive rows in order.
    /// </summary>
    IEnumerable<(Tensor X, Tensor Y)> Batches(int batchSize, Generator? shuffle);
}

/// <summary>
/// The order of one epoch's batches, shared by every <see cref="ILabelledRows"/> so that the same generator
/// draws the same batches from any of them: one <c>randperm</c> per epoch, then consecutive slices of it.
/// </summary>
public static class BatchOrder
{
    /// <summary>Each batch's first row and length, and with a generator its row indices (a view of the
    /// epoch's permutation, freed with it); the indices are null without a generator.</summary>
    public static IEnumerable<(int Start, int Length, Tensor? Indices)> Of(int count, int batchSize, Generator? shuffle, Device device)
    {
        int size = batchSize <= 0 ? count : Math.Min(batchSize, count);
        using var perm = shuffle is null ? null : randperm(count, generator: shuffle, device: device);
        for (int start = 0; start < count; start += size)
        {
            int len = Math.Min(size, count - start);
            if (perm is null)
            {
                yield return (start, len, null);
            }
            else
            {
                using var idx = perm.narrow(0, start, len);
                yield return (start, len, idx);
            }
        }
    }
}
