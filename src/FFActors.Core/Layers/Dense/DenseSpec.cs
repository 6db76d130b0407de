using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A dense FF layer (Hinton 2022): h = ReLU(W·norm(x) + b), trained on positives and negatives.</summary>
/// <param name="InputNorm">How the layer normalises its input (removes the previous layer's goodness).</param>
/// <param name="Objective">Goodness, θ and loss (and how γ enters it under collaboration).</param>
/// <param name="PeerNorm">Weight of Hinton's peer-normalisation term (0 = off).</param>
/// <param name="SharedHalves">The layer reads pairs [a ‖ b] of two <c>InputSize</c>-wide halves with one weight matrix
/// shared by both halves (SCFF's first layer); see <see cref="FFDenseLayer"/>.</param>
/// <param name="Kernel">How the step is computed: the blocked kernel, or autograd as the definition.</param>
public sealed record DenseSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, double PeerNorm = 0, bool SharedHalves = false, DenseKernel Kernel = DenseKernel.Blocked)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "dense";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public override Objective? FFObjective => Objective;

    public override IFFLayer Create(long seed, Device device) => new DenseLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new FFDenseLayer(InputSize, OutputSize, InputNorm, init, name, SharedHalves);
}

/// <summary>How a learning dense layer computes its step; both follow <see cref="DenseLayer"/>'s definition.</summary>
public enum DenseKernel
{
    /// <summary>Matmuls and Adam in row blocks outside autograd (<see cref="Kernels.BlockedDenseKernel"/>): faster, and its
    /// blocks can run on idle threads of a pipeline.</summary>
    Blocked,
    /// <summary>The blocked kernel with bfloat16 matmuls (<see cref="Kernels.MatmulPrecision.BFloat16"/>): faster where the
    /// CPU multiplies bfloat16 natively, and its weights are not the float32 kernels'.</summary>
    BlockedBf16,
    /// <summary>Autograd and TorchSharp's optimizer step, exactly as the algorithm is written (<see cref="DenseLayer"/>).</summary>
    Reference,
}

/// <summary>Dense FF networks: <c>model.layers</c> sizes, each layer with the model's objective.</summary>
public sealed record DenseKind : ILayerKind
{
    public static DenseKind Instance { get; } = new();

    public string Name => DenseSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        CheckLayers(model);
        var collaboration = context.Collaboration;
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new DenseSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm,
            new Objective(model.Goodness, model.ThresholdFor(model.Layers[i + 1]), model.Loss, model.SymBaAlpha,
                collaboration is { Enabled: true } c ? c.Remedy : CollaborationRemedy.None,
                collaboration?.CumulativeDivisor(i, model.Layers.Length - 1) ?? 1.0),
            model.PeerNorm, SharedHalves: context.SharedHalves && i == 0, model.Kernel)).ToArray();
    }

    public double[] LayerWork(ModelOptions model) => DenseWork(model);

    public string Describe(ModelOptions model) => $"layers [{string.Join(", ", model.Layers)}]";

    /// <summary>The blocked kernel's checkpoints fingerprint as those from before kernels were selectable.</summary>
    public string Fingerprint(ModelOptions model) => model.Kernel == DenseKernel.Blocked ? "" : $";kernel={model.Kernel}";

    /// <summary>
    /// The dense layers that a kind built on them (<paramref name="kind"/>, for the error) wraps one by one. SCFF's
    /// shared-halves first layer is a dense layer's own and is refused.
    /// </summary>
    internal static DenseSpec[] LayersToWrap(ModelOptions model, NetworkContext context, string kind)
    {
        if (context.SharedHalves) throw new ArgumentException($"model.kind = {kind}: SCFF's shared-halves first layer is a dense layer; use model.kind = dense");
        return Instance.Specs(model, context).Cast<DenseSpec>().ToArray();
    }

    internal static void CheckLayers(ModelOptions model)
    {
        if (model.Layers.Length < 2) throw new ArgumentException("model.layers: need an input size and at least one layer");
    }

    /// <summary>A dense layer's multiply-adds per sample: its weight count.</summary>
    internal static double[] DenseWork(ModelOptions model) =>
        Enumerable.Range(0, model.Layers.Length - 1).Select(l => (double)model.Layers[l] * model.Layers[l + 1]).ToArray();
}
