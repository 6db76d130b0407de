namespace FFActors.Core.Training;

/// <summary>
/// How <see cref="FFTrainer"/> checkpoints the greedy schedule: it starts at <paramref name="From"/> (null: the
/// beginning; the caller has loaded the layers), and hands <paramref name="Save"/> the point after an epoch once at
/// least <paramref name="EveryBatches"/> batches have run since the last save (0: after every epoch) and after the last
/// epoch, and the point it stopped at when a stop request comes between two epochs. Save writes the layers too: it is
/// called between batches, with the network as the point describes it.
/// </summary>
public sealed record GreedyCheckpointing(GreedyPoint? From, int EveryBatches, Action<GreedyPoint> Save);
