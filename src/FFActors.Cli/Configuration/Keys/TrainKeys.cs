using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>train { }</c>: schedule, epochs, batches, negatives and their parameters, optimizer, collaboration, ILT.</summary>
public static class TrainKeys
{
    /// <summary>Samples per batch above any dataset's size: a typo (0 already means the full batch).</summary>
    public const int MaxBatch = 10_000_000;

    public static readonly ConfigKey<Schedule> Schedule = Key.Choice("train.schedule", Core.Training.Schedule.Simultaneous,
        "simultaneous (all layers every batch) or greedy (layer by layer, in-process)",
        ("simultaneous", Core.Training.Schedule.Simultaneous), ("greedy", Core.Training.Schedule.Greedy));
    public static readonly ConfigKey<int> Epochs = Key.Int("train.epochs", 12, 1, 1_000_000, "passes over the training set (per layer for greedy)");
    public static readonly ConfigKey<int> BatchSize = Key.Int("train.batch-size", 100, 0, MaxBatch, "samples per update; 0 = full batch");
    public static readonly ConfigKey<string> Negatives = Key.Word("train.negatives", "wrong-label", "how negatives are made (src/FFActors.Core/Negatives)", NegativeStrategies.Names);
    public static readonly ConfigKey<int> ModelViewRefresh = Key.Int("train.model-view-refresh", 1, 1, 1_000_000,
        "model-driven negatives read a copy of the network refreshed every N batches; 1 = exact");

    /// <summary>train.negative-options.*: each strategy checks the range of its own parameters.</summary>
    public static IReadOnlyList<ConfigKey<double?>> NegativeOptions { get; } =
    [
        Option("temperature", ParameterType.Number, "hard-label: softmax temperature over the wrong labels' goodness [1.0]"),
        Option("alpha", ParameterType.Number, "hybrid-mix: fixed mixing weight α of the anchor [0.5]"),
        Option("alpha-min", ParameterType.Number, "hybrid-mix: α ~ U(alpha-min, alpha-max) [alpha]"),
        Option("alpha-max", ParameterType.Number, "hybrid-mix: [alpha]"),
        Option("blur-passes", ParameterType.Count, "hinton-hybrid: blurs of the random bit image before thresholding [6]"),
        Option("height", ParameterType.Count, "hinton-hybrid, masked*: image height [square root of the image size]"),
        Option("width", ParameterType.Count, "hinton-hybrid, masked*: image width [square root of the image size]"),
        Option("std", ParameterType.Number, "gaussian-noise: noise standard deviation [1.0]"),
        Option("fraction-min", ParameterType.Number, "masked*: fraction of the image masked ~ U(fraction-min, fraction-max) [0.25]"),
        Option("fraction-max", ParameterType.Number, "masked*: [0.5]"),
        Option("label-free", ParameterType.Flag, "gaussian-noise*, hybrid-mix, masked*: on = no label, neutral overlay [off]"),
        Option("epsilon", ParameterType.Number, "adversarial, learned-generator: L-infinity radius of the perturbation [0.5]"),
        Option("steps", ParameterType.Count, "adversarial: PGD steps (1 = FGSM) [5]"),
        Option("step", ParameterType.Number, "adversarial: step size [2.5*epsilon/steps]"),
        Option("random-start", ParameterType.Flag, "adversarial: start from a random point in the ball [off]"),
        Option("clip", ParameterType.Flag, "adversarial, learned-generator: clip pixels to the batch's pixel range [on]"),
        Option("bank", ParameterType.Count, "hard-mining: memory bank of earlier images also searched [0]"),
        Option("hidden", ParameterType.Count, "learned-generator: hidden units of the generator [256]"),
        Option("generator-lr", ParameterType.Number, "learned-generator: the generator's Adam learning rate [0.001]"),
        Option("keep-class", ParameterType.Number, "learned-generator: weight of the term that keeps a negative its own class [2.0]"),
    ];

    public const string NegativeOptionsSection = "train.negative-options";

    static ConfigKey<double?> Option(string name, ParameterType type, string doc) => Key.Parameter($"{NegativeOptionsSection}.{name}", type, doc);

    public static readonly ConfigKey<OptimizerKind> Optimizer = Key.Choice("train.optimizer.type", OptimizerKind.Adam, "optimizer of every layer",
        ("adam", OptimizerKind.Adam), ("sgd", OptimizerKind.Sgd));
    public static readonly ConfigKey<double> LearningRate = Key.Above("train.optimizer.lr", 0.001, 0, "base learning rate");
    public static readonly ConfigKey<double> Momentum = Key.Number("train.optimizer.momentum", 0.9, 0, 1, "sgd only");
    public static readonly ConfigKey<double> WeightDecay = Key.Number("train.optimizer.weight-decay", 0, 0, double.PositiveInfinity, "L2 weight cost");
    public static readonly ConfigKey<LrSchedule> LrSchedule = Key.Choice("train.optimizer.schedule", Core.Training.LrSchedule.Linear,
        "constant, or linear: constant until decay-start, then linear to 0",
        ("constant", Core.Training.LrSchedule.Constant), ("linear", Core.Training.LrSchedule.Linear));
    public static readonly ConfigKey<double> DecayStart = Key.Number("train.optimizer.decay-start", 0.5, 0, 1, "fraction of the epochs before the linear decay starts");

    public static readonly ConfigKey<double> CollaborationScale = Key.Number("train.collaboration.scale", 0, double.NegativeInfinity, double.PositiveInfinity,
        "s in logit = g + s*γ - θ; 0 = off");
    public static readonly ConfigKey<CollaborationMode> CollaborationMode = Key.Choice("train.collaboration.mode", Core.Training.CollaborationMode.All,
        "whose goodness forms γ", ("all", Core.Training.CollaborationMode.All), ("previous", Core.Training.CollaborationMode.Previous), ("next", Core.Training.CollaborationMode.Next));
    public static readonly ConfigKey<GammaExchange> Exchange = Key.Choice("train.collaboration.exchange", GammaExchange.Exact,
        "exact (probe pass first) or stale (γ from the last time the sample was seen)", ("exact", GammaExchange.Exact), ("stale", GammaExchange.Stale));
    public static readonly ConfigKey<CollaborationRemedy> Remedy = Key.Choice("train.collaboration.remedy", CollaborationRemedy.None,
        "free-riding remedy under cumulative goodness",
        ("none", CollaborationRemedy.None), ("per-block", CollaborationRemedy.PerBlock), ("hardness-gated", CollaborationRemedy.HardnessGated),
        ("depth-scaled", CollaborationRemedy.DepthScaled));

    public static readonly ConfigKey<int[]> IltStart = Key.Ints("train.ilt.start", [], new IntListKind(1, 1024, 0, 1_000_000, none: "none"),
        "per layer, the first epoch (0-based) in which it learns; none = every epoch");
    public static readonly ConfigKey<int[]> IltEnd = Key.Ints("train.ilt.end", [], new IntListKind(1, 1024, 1, 1_000_000, none: "none"),
        "per layer, the epoch before which it stops learning; none = every epoch");

    public static IKeyGroup Group { get; } = new KeyGroup("train",
        [Schedule, Epochs, BatchSize, Negatives, ModelViewRefresh, .. NegativeOptions, Optimizer, LearningRate, Momentum, WeightDecay, LrSchedule, DecayStart,
         CollaborationScale, CollaborationMode, Exchange, Remedy, IltStart, IltEnd]);

    /// <summary>The parameters given (not <c>default</c>), keyed by their name in the strategy.</summary>
    public static IReadOnlyDictionary<string, double> NegativeParameters(ConfigReader r)
    {
        var result = new Dictionary<string, double>();
        foreach (var key in NegativeOptions)
            if (r.Get(key) is { } v) result[ParameterName(key)] = v;
        return result;
    }

    public static string ParameterName(ConfigKey key) => key.Path[(NegativeOptionsSection.Length + 1)..];

    public static TrainOptions Bind(ConfigReader r)
    {
        var start = r.Get(IltStart);
        var end = r.Get(IltEnd);
        return new TrainOptions(
            Schedule: r.Get(Schedule),
            Epochs: r.Get(Epochs),
            BatchSize: r.Get(BatchSize),
            Negatives: r.Get(Negatives),
            Optimizer: new OptimizerOptions(r.Get(Optimizer), r.Get(LearningRate), r.Get(Momentum), r.Get(WeightDecay), r.Get(LrSchedule), r.Get(DecayStart)),
            Collaboration: new CollaborationOptions(r.Get(CollaborationScale), r.Get(CollaborationMode), r.Get(Exchange), r.Get(Remedy)),
            NegativeOptions: NegativeParameters(r),
            ModelViewRefresh: r.Get(ModelViewRefresh),
            LayerEpochs: start.Length == 0 && end.Length == 0 ? null : start.Zip(end, (a, b) => new EpochWindow(a, b)).ToArray());
    }
}
