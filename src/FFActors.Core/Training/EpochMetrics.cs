namespace FFActors.Core.Training;

/// <summary>One row of the run's metrics. For the greedy schedule <see cref="Phase"/> is the layer being trained.</summary>
public sealed record EpochMetrics(
    int Epoch,
    int Phase,
    double Seconds,
    double SamplesPerSecond,
    IReadOnlyList<LayerEpochStats> Layers,
    double? ValidationAccuracy)
{
    /// <summary>Per-layer diagnostics measured after this epoch (<c>eval.diagnostics</c>), or null when off.
    /// Not kept in checkpoints: a resumed run has them only for the epochs it ran itself.</summary>
    public IReadOnlyList<Diagnostics.LayerDiagnostics>? Diagnostics { get; init; }
}

/// <summary>Means of a layer's step statistics over one epoch.</summary>
public sealed record LayerEpochStats(int Layer, double Loss, double GoodPos, double GoodNeg, double Separation, double DeadUnits, double LearningRate);
