using FFActors.Core.Layers;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Runtime.Protocol;

// The layer chain: work items flow from the epoch feeder down the layers, each layer reports to the
// coordinator and credits whoever sent it the item. Tensors travel between local actors as tensors,
// never copied: the sender gives up ownership when it sends, and the receiver disposes (or passes on)
// what it received.

/// <summary>
/// Carried by every message: the run, the generation (bumped whenever the coordinator restores the
/// layers from a checkpoint, so messages of a stopped generation are recognised and dropped), the
/// epoch (0-based) and the batch within it (for evaluation: the evaluation batch).
/// </summary>
public readonly record struct Stamp(string RunId, int Generation, int Epoch, int Batch)
{
    public override string ToString() => $"{RunId}/g{Generation}/e{Epoch}/b{Batch}";
}

public interface IStamped
{
    Stamp Stamp { get; }
}

/// <summary>Work that flows down the layer chain; each hop uses one credit of the receiver's window.</summary>
public interface ILayerWork : IStamped, IDisposable
{
}

/// <summary>
/// Train on batch <c>Stamp.Batch</c>: the layer computes its output, forwards it, then updates.
/// <paramref name="Signals"/> are the batch's per-layer signals by name (<see cref="SignalNames"/>: s·γ of layer
/// collaboration, a kind's modulation), each [L, B, …] with row ℓ for layer ℓ, or null when there are none; they travel
/// down with the batch. <paramref name="Labels"/> [B] travel down too for layers that read them (label-driven kinds, which
/// get the plain images as <paramref name="Positive"/> and an empty <paramref name="Negative"/>; a kind's readout).
/// </summary>
public sealed record TrainBatch(Stamp Stamp, Tensor Positive, Tensor Negative, IReadOnlyDictionary<string, Tensor>? Signals = null, Tensor? Labels = null)
    : IWireMessage, ILayerWork
{
    public void Dispose()
    {
        Positive.Dispose();
        Negative.Dispose();
        foreach (var t in Signals?.Values ?? []) t.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>A no-grad pass of batch <c>Stamp.Batch</c> in which each layer publishes what <paramref name="Demands"/> ask of it
/// (<see cref="ProbeReport"/>): exact γ and a kind's probe rules.</summary>
public sealed record ProbeBatch(Stamp Stamp, Tensor Positive, Tensor Negative, IReadOnlyList<SignalDemand> Demands) : IWireMessage, ILayerWork
{
    public void Dispose()
    {
        Positive.Dispose();
        Negative.Dispose();
    }
}

/// <summary>Goodness scoring: forward one label's overlay of an evaluation batch up to <paramref name="Deepest"/>;
/// layers whose bit is set in <paramref name="ReportMask"/> report their goodness.</summary>
public sealed record ScoreBatch(Stamp Stamp, int Label, Tensor Input, int Deepest, long ReportMask) : IWireMessage, ILayerWork
{
    public void Dispose() => Input.Dispose();
}

/// <summary>Softmax-head features: forward the neutral-label overlay of an evaluation batch up to
/// <paramref name="Deepest"/>; layers whose bit is set in <paramref name="ReportMask"/> report their normalised activity.</summary>
public sealed record FeatureBatch(Stamp Stamp, Tensor Input, int Deepest, long ReportMask) : IWireMessage, ILayerWork
{
    public void Dispose() => Input.Dispose();
}

/// <summary>A layer finished one work item; returned to whoever sent it.</summary>
public sealed record Credit(Stamp Stamp, int Layer) : IWireMessage;

/// <summary>A layer's report for one training step. Per-sample goodness (detached, [B]) only when the stale exchange needs it.</summary>
public sealed record LayerStepped(Stamp Stamp, int Layer, LayerStepStats Stats, Tensor? GoodPositive, Tensor? GoodNegative) : IWireMessage, IDisposable
{
    public void Dispose()
    {
        GoodPositive?.Dispose();
        GoodNegative?.Dispose();
    }
}

/// <summary>What a layer published in a probe pass: <c>Values[i]</c> is its signal of kind <c>Kinds[i]</c> (per-sample, detached).</summary>
public sealed record ProbeReport(Stamp Stamp, int Layer, string[] Kinds, Tensor[] Values) : IWireMessage, IDisposable
{
    public void Dispose()
    {
        foreach (var v in Values) v.Dispose();
    }
}

/// <summary>A layer's goodness [B] for one label pass of an evaluation batch ([B, C] class goodness from a CwC block, Label −1).</summary>
public sealed record ScoreGoodness(Stamp Stamp, int Label, int Layer, Tensor Goodness) : IWireMessage, IDisposable
{
    public void Dispose() => Goodness.Dispose();
}

/// <summary>A layer's normalised activity [B, H] for one feature batch.</summary>
public sealed record LayerFeatures(Stamp Stamp, int Layer, Tensor Features) : IWireMessage, IDisposable
{
    public void Dispose() => Features.Dispose();
}
