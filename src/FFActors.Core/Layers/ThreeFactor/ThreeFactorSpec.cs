using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A three-factor FF layer: a dense FF layer whose goodness is modulated in its loss (<see cref="ThreeFactorLayer"/>).</summary>
/// <param name="Top">The network's last layer: it owns the readout (and critic) the modulation needs.</param>
public sealed record ThreeFactorSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, double PeerNorm, ThreeFactorOptions ThreeFactor, bool Top)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "three-factor";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public override Objective? FFObjective => Objective;

    /// <summary>The top layer's readout learns from the labels.</summary>
    public override bool ReadsLabels => Top && ThreeFactor.HasReadout;

    public override IFFLayer Create(long seed, Device device) => new ThreeFactorLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new ThreeFactorModule(InputSize, OutputSize, InputNorm, ThreeFactor, Top, init, name);
}

/// <summary>Three-factor FF networks: the dense layers of <c>model.layers</c> with the model's objective, modulated.</summary>
public sealed record ThreeFactorKind(ThreeFactorOptions Options) : ILayerKind
{
    public string Name => ThreeFactorSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        Options.Check();
        var dense = DenseKind.LayersToWrap(model, context, Name);
        return dense.Select(d => new ThreeFactorSpec(d.Index, d.InputSize, d.OutputSize, d.Optimizer, d.Window, d.InputNorm, d.Objective,
            d.PeerNorm, Options, Top: d.Index == dense.Length - 1)).ToArray();
    }

    public string Describe(ModelOptions model) => $"three-factor ({Options.Describe()}) layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) =>
        $";three-factor={Options.Modulation},{Options.Formulation},{Options.InitialScale:R},{Options.RewardMomentum:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);

    public IReadOnlyList<IProbeRule> ProbeRules(ModelOptions model) =>
        Options.ReadsSignal ? [new ModulationRule(Options, Enumerable.Range(0, model.Layers.Length - 1).Select(l => model.ThresholdFor(model.Layers[l + 1])).ToArray())] : [];
}
