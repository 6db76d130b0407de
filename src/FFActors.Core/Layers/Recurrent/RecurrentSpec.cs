using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// Options of Hinton's recurrent FF (Hinton 2022, "The Forward-Forward Algorithm", §3.4 on modelling top-down effects).
/// </summary>
/// <param name="Iterations">Synchronous iterations after the bottom-up pass (Hinton: 8).</param>
/// <param name="Damping">d, the weight of the old state in the new one (Hinton: 0.3 old, 0.7 new).</param>
/// <param name="ScoreFrom">First iteration whose goodness counts in scoring (Hinton: iterations 3 to 5).</param>
/// <param name="ScoreTo">Last scored iteration.</param>
/// <param name="TopDown">Off: the control, the same network without top-down input (the label enters with the image, as in dense FF).</param>
/// <param name="Classes">Width of the label context, the top layer's input from above.</param>
public sealed record RecurrentOptions(int Iterations = 8, double Damping = 0.3, int ScoreFrom = 3, int ScoreTo = 5, bool TopDown = true, int Classes = 10)
{
    public TopDownSchedule Schedule => new(Iterations, ScoreFrom, ScoreTo);
}

/// <summary>A layer of a recurrent FF network (<see cref="RecurrentModule"/>).</summary>
/// <param name="InputSize">Layer 0: the image; deeper layers: the context and the layer below's units.</param>
/// <param name="OutputSize">The context and the units: classes + units.</param>
/// <param name="TopDownWidth">Columns the layer hears from above: the layer above's units, or the classes for the top layer.</param>
/// <param name="Top">The network's last layer: it hears the label context from above.</param>
public sealed record RecurrentSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, RecurrentOptions Options, int TopDownWidth, bool Top)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "recurrent";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public override TopDownSchedule? TopDown => Options.Schedule;

    public int Units => OutputSize - Options.Classes;

    public override IFFLayer Create(long seed, Device device) => new RecurrentLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new RecurrentModule(InputSize, Units, Options.Classes, readsImage: Index == 0, Options.TopDown ? TopDownWidth : 0, InputNorm, init, name);
}

/// <summary>
/// Recurrent FF networks: the hidden layers of <c>model.layers</c>, each carrying the label context in front of its units
/// (<see cref="LabelContext"/>); layer ℓ hears the units of layer ℓ + 1 from above, the top layer the label.
/// </summary>
public sealed record RecurrentKind(RecurrentOptions Options) : ILayerKind
{
    public string Name => RecurrentSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        ContextKinds.Check(model, Options.Classes);
        Options.Schedule.Check();
        if (Options.Damping is < 0 or >= 1) throw new ArgumentException($"model.recurrent.damping: {Options.Damping} (0 ≤ d < 1)");
        if (context.Collaboration is { Enabled: true })
            throw new ArgumentException("train.collaboration: not supported for a recurrent network (its layers already hear each other)");
        int count = model.Layers.Length - 1;
        return Enumerable.Range(0, count).Select(i => new RecurrentSpec(
            i, ContextKinds.InputSize(model, i, Options.Classes), Options.Classes + model.Layers[i + 1], context.Optimizer, context.Window(i),
            model.InputNorm, ContextKinds.ObjectiveOf(model, i, null), Options, TopDownWidth(model, i), Top: i == count - 1)).ToArray();
    }

    int TopDownWidth(ModelOptions model, int layer) => layer + 2 < model.Layers.Length ? model.Layers[layer + 2] : Options.Classes;

    public string Describe(ModelOptions model) =>
        $"recurrent{(Options.TopDown ? "" : " (control: no top-down)")} layers [{string.Join(", ", model.Layers)}], {Options.Iterations} iterations";

    public string Fingerprint(ModelOptions model) =>
        $";recurrent={Options.Iterations},{Options.Damping:R},{Options.ScoreFrom},{Options.ScoreTo},{Options.TopDown},{Options.Classes}";

    /// <summary>Bottom-up and top-down weights, once per iteration and once for the bottom-up pass.</summary>
    public double[] LayerWork(ModelOptions model) => Enumerable.Range(0, model.Layers.Length - 1)
        .Select(l => (double)(model.Layers[l] + (Options.TopDown ? TopDownWidth(model, l) : 0)) * model.Layers[l + 1] * (Options.Iterations + 1))
        .ToArray();
}
