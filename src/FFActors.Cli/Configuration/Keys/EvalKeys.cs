using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Evaluation;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>eval { }</c>: goodness scoring, the softmax head / linear probe, validation and diagnostics.</summary>
public static class EvalKeys
{
    public const int MaxBatch = 1_000_000;

    public static readonly ConfigKey<int[]?> ScoreLayers = Key.Layers("eval.score-layers", "layers (0-based) whose goodness is summed; default = all but the first if >= 2");
    public static readonly ConfigKey<int> BatchSize = Key.Int("eval.batch-size", 250, 1, MaxBatch, "samples per evaluation batch");
    public static readonly ConfigKey<bool> ValidateEachEpoch = Key.Bool("eval.validate-each-epoch", true, "score the validation split after each epoch (needs data.validation > 0)");
    public static readonly ConfigKey<EvalReadout> Readout = Key.Choice("eval.readout", EvalReadout.Auto,
        "label (goodness scoring + softmax head), probe (linear probe only), or auto (probe for label-free negatives)",
        ("auto", EvalReadout.Auto), ("label", EvalReadout.Label), ("probe", EvalReadout.Probe));
    public static readonly ConfigKey<int> DiagnosticSamples = Key.Int("eval.diagnostics.samples", 1000, 0, 1_000_000, "training samples of the per-layer diagnostics after every epoch; 0 = off");
    public static readonly ConfigKey<int> DiagnosticBins = Key.Int("eval.diagnostics.bins", 40, 1, 10_000, "bins of the goodness histograms of positives and negatives");
    public static readonly ConfigKey<int[]?> HeadLayers = Key.Layers("eval.head.layers", "layers whose normalised activities feed the softmax head / linear probe; default = score-layers");
    public static readonly ConfigKey<int> HeadEpochs = Key.Int("eval.head.epochs", 5, 0, 1_000_000, "head training passes over the training set; 0 = no head");
    public static readonly ConfigKey<double> HeadLearningRate = Key.Above("eval.head.lr", 0.001, 0, "Adam learning rate of the head");
    public static readonly ConfigKey<int> HeadBatchSize = Key.Int("eval.head.batch-size", 100, 1, MaxBatch, "samples per head update");

    public static IKeyGroup Group { get; } = new KeyGroup("eval",
        [ScoreLayers, BatchSize, ValidateEachEpoch, Readout, DiagnosticSamples, DiagnosticBins, HeadLayers, HeadEpochs, HeadLearningRate, HeadBatchSize]);

    public static EvalOptions Bind(ConfigReader r) => new(
        ScoreLayers: r.Get(ScoreLayers),
        HeadLayers: r.Get(HeadLayers),
        HeadEpochs: r.Get(HeadEpochs),
        HeadLearningRate: r.Get(HeadLearningRate),
        HeadBatchSize: r.Get(HeadBatchSize),
        BatchSize: r.Get(BatchSize),
        ValidateEachEpoch: r.Get(ValidateEachEpoch),
        Readout: r.Get(Readout),
        DiagnosticSamples: r.Get(DiagnosticSamples),
        DiagnosticBins: r.Get(DiagnosticBins));
}
