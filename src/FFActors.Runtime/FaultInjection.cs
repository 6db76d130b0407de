namespace FFActors.Runtime;

/// <summary>
/// Test hook: make layer <paramref name="layer"/> fail on training batch <paramref name="batch"/> of
/// epoch <paramref name="epoch"/> (0-based), the first <paramref name="times"/> times it gets there.
/// </summary>
public sealed class FaultInjection(int layer, int epoch, int batch, FaultKind kind = FaultKind.Throw, int times = 1)
{
    int fired;

    public int Layer { get; } = layer;
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
    public FaultKind Kind { get; } = kind;
    public int Times { get; } = times;
    public int Fired => Math.Min(Volatile.Read(ref fired), Times);

    internal bool TryFire(int layer, int epoch, int batch) =>
        layer == Layer && epoch == Epoch && batch == Batch && Interlocked.Increment(ref fired) <= Times;
}
