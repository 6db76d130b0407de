using FFActors.Core.Kernels;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// One FF layer with its own optimizer: the unit of local learning, and all a layer actor knows of its layer.
/// <see cref="Begin"/> computes the layer's output and statistics for a batch from the weights BEFORE the update, and
/// <see cref="Finish"/> makes the update: that order makes a layer-per-actor pipeline equal, bit for bit, to the
/// sequential all-layers-per-batch schedule, and lets a pipeline hand the output on before it spends time on the update.
/// Each kind implements this in its own folder (<see cref="LayerSpec.Create"/> builds it).
/// </summary>
public interface IFFLayer : IDisposable
{
    LayerSpec Spec { get; }

    /// <summary>The layer's module: every trainable part (weights, and a kind's extras such as class prototypes).</summary>
    nn.Module<Tensor, Tensor> Module { get; }

    optim.Optimizer Optimizer { get; }

    /// <summary>
    /// Runs the row blocks of the layer's matmuls (kernels that cut their work, <see cref="GemmChunks"/>): inline by
    /// default; a pipeline's layer actor lends its idle peers' threads. The blocks are the same whoever runs them.
    /// </summary>
    IChunkRunner Chunks { get; set; }

    /// <summary>Sets the learning rate for a 0-based epoch of the schedule.</summary>
    void SetEpoch(int epoch, int epochs);

    double LearningRate { get; }

    /// <summary>Whether the layer learns in the current epoch (its ILT window; always without one).</summary>
    bool Learning { get; }

    /// <summary>Forward without learning (no autograd; BatchNorm uses its running statistics).</summary>
    Tensor Forward(Tensor x);

    /// <summary>
    /// What the layer contributes to goodness scoring of its activities h: per-sample goodness [B] (scored once per
    /// overlaid label), or for a label-driven layer class scores [B, classes] (all classes in one pass).
    /// </summary>
    Tensor Score(Tensor h);

    /// <summary>The layer's part of a softmax head's or a probe's input, from its activities h.</summary>
    Tensor Features(Tensor h);

    /// <summary>
    /// The first half of a training step: forward, loss and statistics, all from the weights before the update. The
    /// returned tensors belong to the caller's dispose scope.
    /// </summary>
    PendingStep Begin(StepInput input);

    /// <summary>The second half: the update from the loss of <paramref name="step"/> (none outside the layer's ILT window).</summary>
    void Finish(PendingStep step);

    /// <summary>Weight rows over the layer's input features, one per unit (a dense map's W: its receptive fields); null where
    /// the weights are not images of the input (convolutions).</summary>
    Tensor? InputWeights { get; }

    /// <summary>Training state beyond the module and the optimizer that a checkpoint must keep (e.g. peer-normalisation means).</summary>
    Tensor State { get; }

    /// <summary>
    /// What the layer publishes from a probe pass (its activities <paramref name="hPos"/>, <paramref name="hNeg"/> with the
    /// weights before the batch's update) for each of <paramref name="kinds"/> (<see cref="SignalNames"/>, or a kind's own):
    /// every layer publishes its goodness; a kind with more to say (a readout of its activity) adds its own kinds. A kind
    /// it does not know is an error, never silence, since a subscriber would wait for it forever.
    /// </summary>
    IEnumerable<(string Kind, Tensor Values)> Publish(Tensor hPos, Tensor hNeg, IReadOnlyCollection<string> kinds);

    /// <summary>
    /// The layer's state at one synchronous iteration without learning (evaluation of a kind that hears the layer above,
    /// <see cref="LayerSpec.TopDown"/>): from the state below at iteration − 1 (layer 0: the input), its own
    /// <paramref name="previous"/> state and what the layer above published for it (<see cref="SignalNames.TopDownPositive"/>;
    /// null for the top layer). Iteration 0 is the bottom-up pass, <see cref="Forward"/>, which is all a kind without top-down
    /// input ever does.
    /// </summary>
    Tensor Infer(Tensor below, Tensor? previous, Tensor? above, int iteration) => Forward(below);

    /// <summary>One whole training step (<see cref="Begin"/>, then <see cref="Finish"/>): the output before the update.</summary>
    (LayerOutput Output, LayerStepStats Stats) Step(StepInput input)
    {
        var step = Begin(input);
        Finish(step);
        return (step.Output, step.Stats);
    }
}

/// <summary>
/// What a layer learns from in one step. <paramref name="Positive"/>/<paramref name="Negative"/> are its bottom-up
/// inputs (a label-driven layer gets the plain images as positives and an empty negative); <paramref name="Labels"/>
/// the batch's labels [B] (label-driven layers need them); <paramref name="CollabPositive"/>/<paramref name="CollabNegative"/>
/// the scaled, detached collaboration terms s·γ (null when collaboration is off); <paramref name="Signals"/> further
/// per-sample inputs by name (a modulation signal, the layer above's activity <see cref="SignalNames.TopDownPositive"/>) for
/// the kinds that read them. A kind with top-down input (<see cref="LayerSpec.TopDown"/>) is stepped once per
/// <paramref name="Iteration"/> of a batch: 0 is the bottom-up pass, and from 1 on <paramref name="Previous"/> is the layer's
/// own output at the iteration before and the bottom-up inputs are the layer below's outputs at the iteration before.
/// </summary>
public sealed record StepInput(Tensor Positive, Tensor Negative, Tensor? Labels = null, Tensor? CollabPositive = null,
    Tensor? CollabNegative = null, IReadOnlyDictionary<string, Tensor>? Signals = null, int Iteration = 0, LayerOutput? Previous = null);

/// <summary>A layer's activities for the positives and negatives of one batch (detached).</summary>
public sealed record LayerOutput(Tensor Positive, Tensor Negative);

/// <summary>What one layer reports after one update.</summary>
/// <param name="Loss">The layer's loss (with the peer-normalisation term when on).</param>
/// <param name="GoodPos">Mean goodness of positives (label-driven: mean score of the true class).</param>
/// <param name="GoodNeg">Mean goodness of negatives (label-driven: mean score of the other classes).</param>
/// <param name="Separation">Fraction of samples on the right side of θ (label-driven: whose true class scores highest).</param>
/// <param name="DeadUnits">Fraction of units that were zero for every positive of the batch.</param>
public readonly record struct LayerStepStats(double Loss, double GoodPos, double GoodNeg, double Separation, double DeadUnits);

/// <summary>
/// A training step whose forward half is done (<see cref="IFFLayer.Begin"/>): the layer's output and statistics, from
/// the weights before the update, the loss the update will follow (null outside the layer's ILT window), and whatever
/// the layer's kernel keeps for its backward (<paramref name="Kernel"/>). Its tensors belong to the caller's dispose scope.
/// </summary>
public sealed record PendingStep(LayerOutput Output, LayerStepStats Stats, Tensor? Loss, object? Kernel = null);

/// <summary>The call shapes the trainers and actors use: bottom-up inputs, γ terms and labels as arguments.</summary>
public static class FFLayerSteps
{
    public static PendingStep Begin(this IFFLayer layer, Tensor pos, Tensor neg, Tensor? collabPos = null, Tensor? collabNeg = null, Tensor? labels = null) =>
        layer.Begin(new StepInput(pos, neg, labels, collabPos, collabNeg));

    public static (LayerOutput Output, LayerStepStats Stats) Step(this IFFLayer layer, Tensor pos, Tensor neg, Tensor? collabPos = null,
        Tensor? collabNeg = null, Tensor? labels = null) => layer.Step(new StepInput(pos, neg, labels, collabPos, collabNeg));
}
