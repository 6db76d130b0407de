using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>model { }</c>: the dense FF layers and their objective; the kind's own keys come from <see cref="ModelKinds"/>.</summary>
public static class ModelKeys
{
    /// <summary>Widest layer (and input) accepted: 784 × 65 536 float weights are already 200 MB.</summary>
    public const int MaxWidth = 65_536;

    public static readonly ConfigKey<int[]> Layers = Key.Ints("model.layers", [784, 1000, 1000, 1000],
        new IntListKind(2, 64, 1, MaxWidth, what: "input size, width, ..."), "input size, then the width of each FF layer");
    public static readonly ConfigKey<InputNorm> InputNorm = Key.Choice("model.input-norm", Core.Layers.InputNorm.Centred,
        "layer input normalisation: x/(|x|+1e-4), x/rms(x), none, or (x-mean x)/rms(x-mean x)",
        ("l2", Core.Layers.InputNorm.L2), ("rms", Core.Layers.InputNorm.Rms), ("none", Core.Layers.InputNorm.None),
        ("centred", Core.Layers.InputNorm.Centred));
    public static readonly ConfigKey<GoodnessKind> Goodness = Key.Choice("model.goodness", GoodnessKind.Sum, "sum or mean of squared activities",
        ("sum", GoodnessKind.Sum), ("mean", GoodnessKind.Mean));
    public static readonly ConfigKey<double?> Threshold = Key.NumberOr("model.threshold", "width", null, "θ: a number, or width for θ = number of units in the layer");
    public static readonly ConfigKey<LossKind> Loss = Key.Choice("model.loss", LossKind.Softplus, "FF loss over positive and negative goodness",
        ("softplus", LossKind.Softplus), ("logistic", LossKind.Logistic), ("symba", LossKind.SymBa));
    public static readonly ConfigKey<double> SymBaAlpha = Key.Above("model.symba-alpha", 4, 0, "α of the symba loss");
    public static readonly ConfigKey<double> PeerNorm = Key.Number("model.peer-norm", 0.03, 0, double.PositiveInfinity, "weight of Hinton's peer normalisation; 0 = off");
    public static readonly ConfigKey<double?> LabelValue = Key.NumberOr("model.label-value", "max", null, "value of the label pixel in the overlay: max (batch maximum) or a number");
    public static readonly ConfigKey<LabelPlacement> LabelInput = Key.Choice("model.label-input", LabelPlacement.Pixels,
        "where the label goes: over the first inputs, or in 10 extra inputs after the image (all zero when no label is given)",
        ("pixels", LabelPlacement.Pixels), ("block", LabelPlacement.Block));
    public static readonly ConfigKey<DenseKernel> Kernel = Key.Choice("model.kernel", DenseKernel.Blocked,
        "how dense layers compute their step: blocked row blocks (fast), the same with bfloat16 matmuls, or autograd (the reference)",
        ("blocked", DenseKernel.Blocked), ("blocked-bf16", DenseKernel.BlockedBf16), ("reference", DenseKernel.Reference));
    public static readonly ConfigKey<string> Kind = Key.Word("model.kind", "dense", "layer kind: the dense FF layers, or a kind with keys of its own",
        ModelKinds.All.Select(k => k.Name));

    public static IKeyGroup Group { get; } = new KeyGroup("model", [Layers, InputNorm, Goodness, Threshold, Loss, SymBaAlpha, PeerNorm, LabelValue, LabelInput, Kernel, Kind]);

    public static ModelOptions Bind(ConfigReader r)
    {
        var dense = new ModelOptions(
            Layers: r.Get(Layers),
            InputNorm: r.Get(InputNorm),
            Goodness: r.Get(Goodness),
            Threshold: r.Get(Threshold),
            Loss: r.Get(Loss),
            PeerNorm: r.Get(PeerNorm),
            LabelValue: r.Get(LabelValue),
            SymBaAlpha: r.Get(SymBaAlpha),
            Kernel: r.Get(Kernel),
            LabelPlacement: r.Get(LabelInput));
        return ModelKinds.Of(r.Get(Kind)).Apply(dense, r);
    }
}

/// <summary>
/// A model kind as the configuration sees it: its name (a value of <c>model.kind</c>), the keys it
/// owns (<c>model.&lt;kind&gt;.*</c>) and how they shape the model's options. Every kind's keys are
/// declared and checked whichever kind is chosen, so a typo in an unused section still fails.
/// </summary>
public interface IModelKind : IKeyGroup
{
    string Name { get; }

    /// <summary>The model options of this kind: <paramref name="dense"/> with the kind's own part added.</summary>
    ModelOptions Apply(ModelOptions dense, ConfigReader r);
}

/// <summary>The registry of model kinds, keyed by <c>model.kind</c>.</summary>
public static class ModelKinds
{
    public static IReadOnlyList<IModelKind> All { get; } = [new DenseKeys(), new CwcKeys(), new HffKeys(), new DistanceKeys(), new MonoForwardKeys(), new DendriticKeys(), new ProspectiveKeys(), new ThreeFactorKeys(), new PclKeys(), new PffKeys(),
        new RecurrentKeys()];

    public static IModelKind Of(string name) => All.First(k => k.Name == name);

    sealed class DenseKeys : IModelKind
    {
        public string Name => "dense";

        public string Section => "model";

        public IReadOnlyList<ConfigKey> Keys => [];

        public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense;
    }
}

/// <summary><c>model.cwc { }</c>: CwC-FF conv blocks (Papachristodoulou et al., AAAI 2024).</summary>
public sealed class CwcKeys : IModelKind
{
    public static readonly ConfigKey<int[]> Input = Key.Ints("model.cwc.input", [1, 28, 28],
        new IntListKind(3, 3, 1, 4096, what: "channels, height, width"), "image shape [channels, height, width] of a data row");
    public static readonly ConfigKey<int[]> Channels = Key.Ints("model.cwc.channels", [20, 80, 240, 480],
        new IntListKind(1, 64, 10, ModelKeys.MaxWidth, step: 10), "output channels per block, each a multiple of the 10 classes");
    public static readonly ConfigKey<bool> Cfse = Key.Bool("model.cwc.cfse", true, "every 2nd block is CFSE (grouped conv + MaxPool2); false = plain conv");
    public static readonly ConfigKey<CwcLoss> Loss = Key.Choice("model.cwc.loss", CwcLoss.CwcCe, "cross-entropy over the class goodness matrix, or true class vs mean of others",
        ("cwc-ce", CwcLoss.CwcCe), ("pvn", CwcLoss.PvN));
    public static readonly ConfigKey<int> HeadPool = Key.Int("model.cwc.head-pool", 2, 0, 1024, "softmax head reads each head layer average-pooled to N x N per channel; 0 = full output");

    public string Name => "cwc";

    public string Section => "model.cwc";

    public IReadOnlyList<ConfigKey> Keys => [Input, Channels, Cfse, Loss, HeadPool];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) =>
        dense with { LayerKind = new CwcKind(new CwcOptions(r.Get(Input), r.Get(Channels), Cfse: r.Get(Cfse), Loss: r.Get(Loss), HeadPool: r.Get(HeadPool))) };
}

/// <summary><c>model.hff { }</c>: Hyperspherical FF.</summary>
public sealed class HffKeys : IModelKind
{
    public static readonly ConfigKey<double> Scale = Key.Above("model.hff.scale", 10, 0, "logit scale (inverse temperature) of the prototype cosines");

    public string Name => "hff";

    public string Section => "model.hff";

    public IReadOnlyList<ConfigKey> Keys => [Scale];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense with { LayerKind = new HffKind(new HffOptions(Scale: r.Get(Scale))) };
}

/// <summary><c>model.distance { }</c>: Distance-Forward (Wu et al. 2024).</summary>
public sealed class DistanceKeys : IModelKind
{
    public static readonly ConfigKey<double> Margin = Key.Number("model.distance.margin", 1, 0, double.PositiveInfinity, "the true class's goodness must beat every other class's by m");
    public static readonly ConfigKey<double> Scale = Key.Above("model.distance.scale", 1000, 0, "multiplies the mean squared distance to a centre (the logit scale)");

    public string Name => "distance";

    public string Section => "model.distance";

    public IReadOnlyList<ConfigKey> Keys => [Margin, Scale];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense with { LayerKind = new DistanceKind(new DistanceOptions(Margin: r.Get(Margin), Scale: r.Get(Scale))) };
}

/// <summary><c>model.kind = mono-forward</c>: Mono-Forward (Gong et al. 2025). It has no keys of its own: the dense layers
/// of <c>model.layers</c> with <c>model.input-norm</c>, each with a projection to the classes.</summary>
public sealed class MonoForwardKeys : IModelKind
{
    public string Name => MonoForwardSpec.Name;

    public string Section => "model";

    public IReadOnlyList<ConfigKey> Keys => [];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense with { LayerKind = new MonoForwardKind(new MonoForwardOptions()) };
}

/// <summary><c>model.dendritic { }</c>: two-compartment units whose apical compartment hears the label.</summary>
public sealed class DendriticKeys : IModelKind
{
    public static readonly ConfigKey<bool> BasalLabel = Key.Bool("model.dendritic.basal-label", false,
        "layer 0's basal compartment also sees the label overlay (the seed's unit); false = the label reaches units only apically");

    public string Name => DendriticSpec.Name;

    public string Section => "model.dendritic";

    public IReadOnlyList<ConfigKey> Keys => [BasalLabel];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense with { LayerKind = new DendriticKind(BasalLabel: r.Get(BasalLabel)) };
}

/// <summary><c>model.prospective { }</c>: prospective-configuration FF (Song et al. 2024), the seed's formulation or the paper's.</summary>
public sealed class ProspectiveKeys : IModelKind
{
    public static readonly ConfigKey<ProspectiveFormulation> Formulation = Key.Choice("model.prospective.formulation", ProspectiveFormulation.Paper,
        "seed: one-shot target ReLU(h ± β·F·c), κ·MSE added to the FF loss | paper: relax the activity under an energy, then move the weights toward it",
        ("seed", ProspectiveFormulation.Seed), ("paper", ProspectiveFormulation.Paper));
    public static readonly ConfigKey<double> Beta = Key.Number("model.prospective.beta", 0.5, 0, double.PositiveInfinity, "β: strength of the label feedback F·c");
    public static readonly ConfigKey<double> FeedbackGain = Key.Number("model.prospective.feedback-gain", 0.05, 0, double.PositiveInfinity,
        "length of each (orthonormal, fixed) column of the feedback projection F");
    public static readonly ConfigKey<double> Consolidation = Key.Number("model.prospective.consolidation", 0.01, 0, double.PositiveInfinity,
        "seed: weight κ of MSE(target, h) added to the FF loss");
    public static readonly ConfigKey<int> Steps = Key.Int("model.prospective.steps", 20, 1, 1000, "paper: relaxation steps of the inference phase");
    public static readonly ConfigKey<double> Rate = Key.Number("model.prospective.rate", 0.2, 0, 1, "paper: relaxation step size η (0 < η <= 1)", exclusiveMin: true);
    public static readonly ConfigKey<double> Energy = Key.Number("model.prospective.energy", 0.25, 0, 0.45, "paper: λ, weight of the FF loss in the energy", exclusiveMin: true);

    public string Name => ProspectiveSpec.Name;

    public string Section => "model.prospective";

    public IReadOnlyList<ConfigKey> Keys => [Formulation, Beta, FeedbackGain, Consolidation, Steps, Rate, Energy];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r) => dense with
    {
        LayerKind = new ProspectiveKind(new ProspectiveOptions(r.Get(Formulation), r.Get(Beta), r.Get(FeedbackGain), r.Get(Consolidation),
            r.Get(Steps), r.Get(Rate), r.Get(Energy))),
    };
}
