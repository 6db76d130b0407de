using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A dendritic FF layer: two-compartment units whose apical compartment hears the label context (<see cref="DendriticModule"/>).</summary>
/// <param name="InputSize">Layer 0: the image; deeper layers: the context and the previous layer's units.</param>
/// <param name="OutputSize">The context and the units: classes + units.</param>
/// <param name="BasalLabel">Layer 0's basal compartment also sees the label overlay (the seed's unit); otherwise the label
/// reaches the units only through their apical compartment.</param>
public sealed record DendriticSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, double PeerNorm, int Classes = 10, bool BasalLabel = false)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "dendritic";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public int Units => OutputSize - Classes;

    public override IFFLayer Create(long seed, Device device) => new DendriticLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new DendriticModule(InputSize, Units, Classes, readsImage: Index == 0, InputNorm, init, name, BasalLabel);
}

/// <summary>
/// Dendritic FF: the model's FF objective on the gated units' goodness. Positives carry their label and negatives a
/// wrong one (or what the negative strategy gives them) in the overlay, so the same image is judged under different
/// apical contexts; both compartments learn from the one local loss.
/// </summary>
public sealed class DendriticLayer(DendriticSpec spec, long seed, Device device)
    : ContextLayer(spec, seed, device, spec.Objective, spec.InputNorm, spec.PeerNorm, spec.Classes)
{
    public new DendriticSpec Spec { get; } = spec;

    public override Tensor? InputWeights => ((DendriticModule)Module).BasalWeight;

    protected override Tensor StepLoss(StepInput input, ContextForward positive, ContextForward negative) =>
        Objective.LossOf(positive.Goodness, negative.Goodness, input.CollabPositive, input.CollabNegative);
}

/// <summary>
/// Dendritic FF networks: <c>model.layers</c> gives the input size and the units per layer; each layer's output is the
/// label context followed by its units (<see cref="LabelContext"/>), so layer ℓ &gt; 0 reads classes + units(ℓ−1) columns.
/// </summary>
/// <param name="BasalLabel">Layer 0's basal compartment also sees the label overlay (the seed's unit).</param>
public sealed record DendriticKind(int Classes = 10, bool BasalLabel = false) : ILayerKind
{
    public string Name => DendriticSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        ContextKinds.Check(model, Classes);
        var collaboration = context.Collaboration;
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new DendriticSpec(
            i, ContextKinds.InputSize(model, i, Classes), Classes + model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm,
            ContextKinds.ObjectiveOf(model, i, collaboration), model.PeerNorm, Classes, BasalLabel)).ToArray();
    }

    public string Describe(ModelOptions model) => $"dendritic{(BasalLabel ? " (label also basal)" : "")} layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) => $";dendritic={Classes}{(BasalLabel ? ",basal-label" : "")}";

    /// <summary>The basal weights and the apical ones per unit.</summary>
    public double[] LayerWork(ModelOptions model) =>
        Enumerable.Range(0, model.Layers.Length - 1).Select(l => (double)(model.Layers[l] + Classes) * model.Layers[l + 1]).ToArray();
}
