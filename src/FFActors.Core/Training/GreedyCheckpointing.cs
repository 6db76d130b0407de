namespace FFActors.Core.Training;

/// <summary>
/// How <see cref="FFTrainer"/> checkpoints the greedy schedule: it starts at <paramref name="From"/> (null: the
/// beginning; the caller has loaded the layers), and hands <paramref name="Save"/> the point after an epoch once at
/// least <paramref name="EveryBatches"/> batches have run since the last save (0: after every epoch) and after the last
/// epoch, and the point it stopped at when a stop request comes between two epochs. Save writes the layers too: it is
/// called between batches, with the network as the point describes it.
/// </summary>
public sealed record GreedyCheckpointing(GreedyPoint? From, int EveryBatches, Action<GreedyPoint> Save);

/// <summary>
/// Where a greedy run stands between two epochs: <paramref name="Epoch"/> is the next epoch to run, counted over the
/// whole schedule (layer · train.epochs + that layer's epoch, the epoch number the data order and augmentation draw
/// with), the data-order and negative generators' states at its start, and the finished epochs' metrics. With the
/// layers' own checkpoints (<see cref="LayerCheckpoint"/>) it is everything the rest of the run depends on.
/// </summary>
public sealed record GreedyPoint(int Epoch, byte[] OrderState, byte[] NegativeState, IReadOnlyList<EpochMetrics> Metrics);
