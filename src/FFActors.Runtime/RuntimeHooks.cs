namespace FFActors.Runtime;

/// <summary>Observation and fault-injection points for tests. Callbacks run on actor threads.</summary>
public sealed class RuntimeHooks
{
    public FaultInjection? Fault { get; init; }

    /// <summary>Called on the layer's thread after every training step (enables goodness copies: slow).</summary>
    public Action<LayerStepTrace>? OnLayerStep { get; init; }

    /// <summary>Called on the layer's thread for every iteration a layer with top-down input computes (training and scoring).</summary>
    public Action<IterationTrace>? OnIteration { get; init; }

    /// <summary>Called on the coordinator's thread when it builds a training batch.</summary>
    public Action<BatchTrace>? OnBatchBuilt { get; init; }
}

/// <summary>A training batch as the coordinator built it.</summary>
public sealed record BatchTrace(int Generation, int Epoch, int Batch, long[] Indices);

/// <summary>
/// One iteration of a layer with top-down input: the work item (<paramref name="Pass"/>: a scored label, or −2 for
/// training) and which neighbours' states it was computed from: the stamps, iteration and layer of the bottom-up input and
/// of the top-down input (−1 where there is none: the batch itself for layer 0, the label for the top layer, iteration 0).
/// </summary>
public sealed record IterationTrace(int Layer, int Generation, int Epoch, int Batch, int Pass, int Iteration,
    int BelowLayer, int BelowIteration, int BelowBatch, int AboveLayer, int AboveIteration, int AboveBatch);

/// <summary>What one layer used and produced in one training step (copied out): its s·γ, its goodness, and its row of
/// every other signal by name (<paramref name="Signals"/>, null when there were none).</summary>
public sealed record LayerStepTrace(int Layer, int Generation, int Epoch, int Batch,
    float[]? GammaPositive, float[]? GammaNegative, float[] GoodPositive, float[] GoodNegative,
    IReadOnlyDictionary<string, float[]>? Signals = null);

/// <summary>
/// Make layer <paramref name="layer"/> fail on training batch <paramref name="batch"/> of
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

public enum FaultKind
{
    /// <summary>The layer throws while handling the batch.</summary>
    Throw,
    /// <summary>The layer's input becomes NaN, so its loss, goodness and weights do.</summary>
    NaN,
    /// <summary>The training batch never reaches the layer, as if its message were lost on the way: nobody hears of it.</summary>
    Drop,
}
