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
/// <paramref name="GammaPositive"/>/<paramref name="GammaNegative"/> are s·γ for every layer, [L, B]
/// (row ℓ is layer ℓ's), or null when collaboration is off; they travel down with the batch.
/// <paramref name="Labels"/> [B] travel down too for layers that learn from labels (CwC-FF blocks,
/// which get the plain images as <paramref name="Positive"/> and an empty <paramref name="Negative"/>).
/// </summary>
public sealed record TrainBatch(Stamp Stamp, Tensor Positive, Tensor Negative, Tensor? GammaPositive, Tensor? GammaNegative, Tensor? Labels = null) : IWireMessage, ILayerWork
{
    public void Dispose()
    {
        Positive.Dispose();
        Negative.Dispose();
        GammaPositive?.Dispose();
        GammaNegative?.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>Exact collaboration exchange: a no-grad pass of batch <c>Stamp.Batch</c> reporting every layer's goodness.</summary>
public sealed record ProbeBatch(Stamp Stamp, Tensor Positive, Tensor Negative) : IWireMessage, ILayerWork
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

/// <summary>A layer's per-sample goodness [B] for a probe pass.</summary>
public sealed record ProbeGoodness(Stamp Stamp, int Layer, Tensor GoodPositive, Tensor GoodNegative) : IWireMessage, IDisposable
{
    public void Dispose()
    {
        GoodPositive.Dispose();
        GoodNegative.Dispose();
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
