namespace FFActors.Core.Training;

/// <summary>
/// Where a greedy run stands between two epochs: <paramref name="Epoch"/> is the next epoch to run, counted over the
/// whole schedule (layer · train.epochs + that layer's epoch, the epoch number the data order and augmentation draw
/// with), the data-order and negative generators' states at its start, and the finished epochs' metrics. With the
/// layers' own checkpoints (<see cref="LayerCheckpoint"/>) it is everything the rest of the run depends on.
/// </summary>
public sealed record GreedyPoint(int Epoch, byte[] OrderState, byte[] NegativeState, IReadOnlyList<EpochMetrics> Metrics);
