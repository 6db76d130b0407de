namespace FFActors.Core.Training;

/// <param name="Epochs">Passes over the training set (per layer for the greedy schedule).</param>
/// <param name="BatchSize">Samples per update; 0 means the whole training set (full batch).</param>
/// <param name="Negatives">Negative strategy name.</param>
/// <param name="LayerEpochs">Per layer, the epochs in which it learns (ILT); null = every layer every epoch.</param>
public sealed record TrainOptions(
    Schedule Schedule = Schedule.Simultaneous,
    int Epochs = 10,
    int BatchSize = 100,
    string Negatives = "wrong-label",
    OptimizerOptions? Optimizer = null,
    CollaborationOptions? Collaboration = null,
    EpochWindow[]? LayerEpochs = null)
{
    public CollaborationOptions CollaborationOrDefault => Collaboration ?? new CollaborationOptions();

    public OptimizerOptions OptimizerOrDefault => Optimizer ?? new OptimizerOptions();
}
