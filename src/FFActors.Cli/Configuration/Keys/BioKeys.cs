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
