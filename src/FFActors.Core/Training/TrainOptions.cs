namespace FFActors.Core.Training;

/// <param name="Epochs">Passes over the training set (per layer for the greedy schedule).</param>
/// <param name="BatchSize">Samples per update; 0 means the whole training set (full batch).</param>
/// <param name="Negatives">Negative strategy name.</param>
/// <param name="NegativeOptions">The strategy's parameters (<c>train.negative-options</c>); missing keys take the strategy's defaults.</param>
/// <param name="ModelViewRefresh">Batches between refreshes of the copy of the network that model-driven
/// strategies (hard-label, adversarial, hard-mining) read; 1 = every batch (exact).</param>
/// <param name="LayerEpochs">Per layer, the epochs in which it learns (ILT); null = every layer every epoch.</param>
public sealed record TrainOptions(
    Schedule Schedule = Schedule.Simultaneous,
    int Epochs = 10,
    int BatchSize = 100,
    string Negatives = "wrong-label",
    OptimizerOptions? Optimizer = null,
    CollaborationOptions? Collaboration = null,
    IReadOnlyDictionary<string, double>? NegativeOptions = null,
    int ModelViewRefresh = 1,
    EpochWindow[]? LayerEpochs = null)
{
    public IReadOnlyDictionary<string, double> NegativeOptionsOrEmpty => NegativeOptions ?? new Dictionary<string, double>();

    public CollaborationOptions CollaborationOrDefault => Collaboration ?? new CollaborationOptions();

    public OptimizerOptions OptimizerOrDefault => Optimizer ?? new OptimizerOptions();
}

public enum Schedule
{
    /// <summary>Layer ℓ trains for all its epochs before layer ℓ+1 starts (mpezeshki/seed recipe).</summary>
    Greedy,
    /// <summary>Every layer is updated on every batch, each on the previous layer's output computed
    /// before that layer's own update (Hinton's recipe; what the actor pipeline runs).</summary>
    Simultaneous,
}

/// <summary>
/// The epochs [Start, End) in which a layer learns (CwC-FF's intra-layer training schedule, ILT);
/// outside the window the layer only forwards, with its weights and statistics frozen.
/// </summary>
public readonly record struct EpochWindow(int Start, int End)
{
    public bool Contains(int epoch) => epoch >= Start && epoch < End;
}
