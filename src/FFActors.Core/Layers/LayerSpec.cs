using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// What one FF layer is: its place and shape, its optimizer and learning window, and (in each subtype) what its kind
/// needs. Every layer kind has one subtype in its own folder, and the subtype alone knows how to build its layer, so
/// nothing outside a kind's folder asks which kind a layer is.
/// </summary>
/// <param name="Index">0-based position in the network (layer 0 reads the data).</param>
/// <param name="InputSize">Features per sample the layer reads (flattened).</param>
/// <param name="OutputSize">Features per sample the layer writes (flattened).</param>
/// <param name="Window">Epochs in which the layer learns (ILT); null = every epoch.</param>
public abstract record LayerSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window)
{
    /// <summary>The kind's name, as <c>model.kind</c> spells it (see <see cref="ILayerKind"/>).</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// The layer learns from labels in one pass of the plain images (no label overlay, no negatives) and scores all
    /// classes at once (<see cref="IFFLayer.Score"/> is [B, classes]); otherwise it learns from positives and
    /// negatives and its score is one goodness per sample, computed once per overlaid label.
    /// </summary>
    public abstract bool LabelDriven { get; }

    /// <summary>The goodness objective (goodness, θ) of a layer that learns from positives and negatives and is scored by
    /// its goodness; null for a label-driven kind. Diagnostics and model-driven negatives read a network through it.</summary>
    public virtual Objective? FFObjective => null;

    /// <summary>The layer reads the batch's labels in its training step (<see cref="StepInput.Labels"/>): label-driven kinds,
    /// and a kind that trains a readout next to its FF objective.</summary>
    public virtual bool ReadsLabels => LabelDriven;

    /// <summary>
    /// Whether the layer hears the layer above: null for a single bottom-up step per batch; otherwise every batch (and
    /// every scored overlay) runs the <see cref="TopDownSchedule"/>'s synchronous iterations, in which the layer's state
    /// comes from its own, the layer below's and the layer above's states at the previous iteration
    /// (<see cref="TopDownIterations"/>; the runtime's top-down path between layer actors).
    /// </summary>
    public virtual TopDownSchedule? TopDown => null;

    /// <summary>A fresh layer: its module initialised from <paramref name="seed"/> (the layer's own stream), its optimizer empty.</summary>
    public abstract IFFLayer Create(long seed, Device device);

    /// <summary>The layer's module alone, initialised from <paramref name="init"/>: a read-only replica of the layer.</summary>
    public abstract nn.Module<Tensor, Tensor> CreateModule(Generator init, string name);

    /// <summary>This layer's learning rate in 0-based <paramref name="epoch"/> of <paramref name="epochs"/>: its schedule over its window.</summary>
    public double LearningRateAt(int epoch, int epochs) => Optimizer.LearningRateAt(epoch, epochs, Window);

    /// <summary>The generator a layer's initial weights come from: one stream per (run seed, layer).</summary>
    public Generator InitGenerator(long seed) => new((ulong)SeedStreams.Derive(seed, SeedStreams.LayerInit, Index));
}
