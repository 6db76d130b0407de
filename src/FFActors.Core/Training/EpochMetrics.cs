namespace FFActors.Core.Training;

/// <summary>Means of a layer's step statistics over one epoch.</summary>
public sealed record LayerEpochStats(int Layer, double Loss, double GoodPos, double GoodNeg, double Separation, double DeadUnits, double LearningRate);

/// <summary>One row of the run's metrics. For the greedy schedule <see cref="Phase"/> is the layer being trained.</summary>
public sealed record EpochMetrics(
    int Epoch,
    int Phase,
    double Seconds,
    double SamplesPerSecond,
    IReadOnlyList<LayerEpochStats> Layers,
    double? ValidationAccuracy);
