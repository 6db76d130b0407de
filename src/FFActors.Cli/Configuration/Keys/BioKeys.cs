using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Layers;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>model.three-factor { }</c>: three-factor (neuromodulated) FF, the seed study's §5.1.</summary>
public sealed class ThreeFactorKeys : IModelKind
{
    public static readonly ConfigKey<Modulation> Modulation = Key.Choice("model.three-factor.modulation", Core.Layers.Modulation.None,
        "the modulation M in g·(1 + s·tanh M): none, top-down (P(true class) - 0.5 of the top layer's readout), layer-agreement, reward-prediction",
        ("none", Core.Layers.Modulation.None), ("top-down", Core.Layers.Modulation.TopDown),
        ("layer-agreement", Core.Layers.Modulation.LayerAgreement), ("reward-prediction", Core.Layers.Modulation.RewardPrediction));
    public static readonly ConfigKey<ModulationFormulation> Formulation = Key.Choice("model.three-factor.formulation", ModulationFormulation.Corrected,
        "corrected (one M per batch row for its positive and negative, s = tanh(ρ)) or the seed study's (M per branch, s free)",
        ("corrected", ModulationFormulation.Corrected), ("seed", ModulationFormulation.Seed));
    public static readonly ConfigKey<double> InitialScale = Key.Number("model.three-factor.initial-scale", 0.5, -100, 100,
        "s before training (the seed's 0.5); corrected needs |s| < 1");
    public static readonly ConfigKey<double> RewardMomentum = Key.Number("model.three-factor.reward-momentum", 0.99, 0, 1,
        "seed reward-prediction: momentum of each layer's running expected reward (the seed's 0.99), below 1");

    public string Name => ThreeFactorSpec.Name;

    public string Section => "model.three-factor";

    public IReadOnlyList<ConfigKey> Keys => [Modulation, Formulation, InitialScale, RewardMomentum];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r)
    {
        var options = new ThreeFactorOptions(r.Get(Modulation), r.Get(Formulation), r.Get(InitialScale), r.Get(RewardMomentum));
        if (options.Formulation == ModulationFormulation.Corrected && Math.Abs(options.InitialScale) >= 1)
            throw r.Fail(InitialScale.Path, $"{options.InitialScale}, but the corrected formulation keeps s = tanh(ρ) in (-1, 1)");
        if (options.RewardMomentum >= 1) throw r.Fail(RewardMomentum.Path, $"{options.RewardMomentum}: must be below 1");
        return dense with { LayerKind = new ThreeFactorKind(options) };
    }
}

/// <summary><c>model.pcl { }</c>: predictive-coding-light FF, the seed study's §5.3.</summary>
public sealed class PclKeys : IModelKind
{
    public static readonly ConfigKey<PclFormulation> Formulation = Key.Choice("model.pcl.formulation", PclFormulation.Corrected,
        "corrected (relative error, gate centred on the running mean error) or the seed study's (mean squared error of the normalised input)",
        ("corrected", PclFormulation.Corrected), ("seed", PclFormulation.Seed));
    public static readonly ConfigKey<double> Alpha = Key.Number("model.pcl.alpha", 0.5, 0, 1000, "α: weight of the reconstruction loss (and of the seed's reconstruction bonus)");
    public static readonly ConfigKey<double> Sparsity = Key.Number("model.pcl.sparsity", 0.1, 0, 1000, "seed: the goodness loses λ·mean|h|");
    public static readonly ConfigKey<double> SurpriseScale = Key.Number("model.pcl.surprise-scale", 1.0, 0, 1,
        "seed: how much of the activity the surprise can suppress, h·(1 - scale·(1 - surprise))");
    public static readonly ConfigKey<double> Sharpness = Key.Above("model.pcl.sharpness", 1, 0, "corrected: κ of the surprise weight 2σ(κ(e/ē - 1)) of each sample's FF loss");
    public static readonly ConfigKey<double> ErrorMomentum = Key.Number("model.pcl.error-momentum", 0.99, 0, 1, "corrected: momentum of the running mean error ē, below 1");

    public string Name => PclSpec.Name;

    public string Section => "model.pcl";

    public IReadOnlyList<ConfigKey> Keys => [Formulation, Alpha, Sparsity, SurpriseScale, Sharpness, ErrorMomentum];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r)
    {
        if (dense.PeerNorm > 0)
            throw r.Fail(ModelKeys.PeerNorm.Path, $"{dense.PeerNorm}, but the pcl kind has no peer normalisation; set 0");
        if (r.Get(ErrorMomentum) >= 1) throw r.Fail(ErrorMomentum.Path, $"{r.Get(ErrorMomentum)}: must be below 1");
        return dense with
        {
            LayerKind = new PclKind(new PclOptions(r.Get(Formulation), r.Get(Alpha), r.Get(Sparsity), r.Get(SurpriseScale), r.Get(Sharpness), r.Get(ErrorMomentum))),
        };
    }
}

/// <summary><c>model.pff { }</c>: Predictive Forward-Forward (Ororbia &amp; Mali 2023), its generative circuit.</summary>
public sealed class PffKeys : IModelKind
{
    public static readonly ConfigKey<int> Latent = Key.Int("model.pff.latent", 20, 1, 4096, "width of the top layer's latent z (the reference's 20)");
    public static readonly ConfigKey<int> InferenceSteps = Key.Int("model.pff.inference-steps", 12, 1, 1000,
        "steps of the per-batch inference of z from the top layer's activities (the reference's K = 12)");
    public static readonly ConfigKey<double> InferenceRate = Key.Above("model.pff.inference-rate", 0.5, 0,
        "β: each inference step moves z by β times the Gauss-Newton step, at most 1", max: 1);
    public static readonly ConfigKey<double> LatentDecay = Key.Above("model.pff.latent-decay", 0.01, 0, "λ: weight of the Gaussian prior ½λ|z|² in the inference energy");

    public string Name => PffSpec.Name;

    public string Section => "model.pff";

    public IReadOnlyList<ConfigKey> Keys => [Latent, InferenceSteps, InferenceRate, LatentDecay];

    public ModelOptions Apply(ModelOptions dense, ConfigReader r)
    {
        if (dense.PeerNorm > 0)
            throw r.Fail(ModelKeys.PeerNorm.Path, $"{dense.PeerNorm}, but the pff kind has no peer normalisation; set 0");
        return dense with { LayerKind = new PffKind(new PffOptions(r.Get(Latent), r.Get(InferenceSteps), r.Get(InferenceRate), r.Get(LatentDecay))) };
    }
}
