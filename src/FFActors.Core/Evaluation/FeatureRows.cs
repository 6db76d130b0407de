using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// The feature matrix of a whole split, filled batch by batch in order. Each batch is copied into its rows as it
/// arrives and freed: collecting the batches and concatenating them at the end held every feature twice at the
/// peak (on the default network, 60 000 × 2 000 floats: about 0.5 GB more).
/// </summary>
public sealed class FeatureRows(long rows) : IDisposable
{
    Tensor? all;
    long filled;

    /// <summary>Copies <paramref name="batch"/> into the next rows and disposes of it.</summary>
    public void Add(Tensor batch)
    {
        using (batch)
        {
            long n = batch.shape[0];
            if (filled + n > rows) throw new InvalidOperationException($"feature rows: {filled} + {n} rows is more than the split's {rows}");
            if (all is null)
            {
                using var scope = NewDisposeScope();
                all = empty([rows, batch.shape[1]], batch.dtype, batch.device).DetachFromDisposeScope();
            }
            using (var slot = all.narrow(0, filled, n)) slot.copy_(batch);
            filled += n;
        }
    }

    /// <summary>The filled matrix; the caller owns it, and this holds nothing afterwards.</summary>
    public Tensor Take()
    {
        if (all is null || filled != rows) throw new InvalidOperationException($"feature rows: {filled} of {rows} rows filled");
        var t = all;
        all = null;
        filled = 0;
        return t;
    }

    public void Dispose()
    {
        all?.Dispose();
        all = null;
        filled = 0;
    }
}
