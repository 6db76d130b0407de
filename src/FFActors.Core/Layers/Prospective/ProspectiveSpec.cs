using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A prospective-configuration FF layer: a dense FF layer that infers a target activity before it learns (<see cref="ProspectiveLayer"/>).</summary>
/// <param name="InputSize">Layer 0: the overlaid image; deeper layers: the context and the previous layer's units.</param>
/// <param name="OutputSize">The context and the units: classes + units.</param>
public sealed record ProspectiveSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, double PeerNorm, ProspectiveOptions Prospective)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "prospective";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public int Units => OutputSize - Prospective.Classes;

    public override IFFLayer Create(long seed, Device device) => new ProspectiveLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new ProspectiveModule(InputSize, Units, Prospective.Classes, readsImage: Index == 0, InputNorm, Prospective.FeedbackGain, init, name);
}

/// <summary>Which prospective-configuration step a layer takes (<see cref="ProspectiveLayer"/>).</summary>
public enum ProspectiveFormulation
{
    /// <summary>The seed's: a one-shot target ReLU(h ± β·F·c), its MSE to h added to the FF loss with a small weight.</summary>
    Seed,
    /// <summary>Song et al. (2024) adapted to one FF layer: relax the activity under an energy, then move the weights toward it.</summary>
    Paper,
}

/// <param name="Formulation">The seed's one-shot target or the paper's relaxation.</param>
/// <param name="Beta">β: strength of the label feedback F·c (the seed's 0.5).</param>
/// <param name="FeedbackGain">Length of each column of the fixed feedback projection F (the seed's 0.5 · 0.1 = 0.05).</param>
/// <param name="Consolidation">Seed: weight of the MSE(target, h) term added to the FF loss (the seed's 0.01).</param>
/// <param name="Steps">Paper: relaxation steps of the inference phase.</param>
/// <param name="Rate">Paper: step size of the relaxation, in units of the deviation term (0 &lt; rate ≤ 1).</param>
/// <param name="Energy">Paper: λ, weight of the FF loss in the energy; the relaxed activity of a far-off positive is at most 1/(1 − 2λ) times h, so λ &lt; 0.5.</param>
public sealed record ProspectiveOptions(ProspectiveFormulation Formulation = ProspectiveFormulation.Paper, double Beta = 0.5,
    double FeedbackGain = 0.05, double Consolidation = 0.01, int Steps = 20, double Rate = 0.2, double Energy = 0.25, int Classes = 10);

/// <summary>
/// Prospective-configuration FF networks: the dense layers of <c>model.layers</c>, each carrying the label context
/// (<see cref="LabelContext"/>) so that layer ℓ &gt; 0 reads classes + units(ℓ−1) columns.
/// </summary>
public sealed record ProspectiveKind(ProspectiveOptions Options) : ILayerKind
{
    public string Name => ProspectiveSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        ContextKinds.Check(model, Options.Classes);
        var collaboration = context.Collaboration;
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new ProspectiveSpec(
            i, ContextKinds.InputSize(model, i, Options.Classes), Options.Classes + model.Layers[i + 1], context.Optimizer, context.Window(i),
            model.InputNorm, ContextKinds.ObjectiveOf(model, i, collaboration), model.PeerNorm, Options)).ToArray();
    }

    public string Describe(ModelOptions model) =>
        $"prospective ({Options.Formulation.ToString().ToLowerInvariant()}) layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) =>
        $";prospective={Options.Formulation},{Options.Beta:R},{Options.FeedbackGain:R},{Options.Consolidation:R},{Options.Steps},{Options.Rate:R},{Options.Energy:R}";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
