using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>A batch sent down the layers, waiting for every layer's step report.</summary>
internal sealed class PendingBatch(int samples, Tensor indices, int layers) : IDisposable
{
    public int Samples { get; } = samples;
    public Tensor Indices { get; } = indices;
    public LayerStepStats[] Stats { get; } = new LayerStepStats[layers];
    public Tensor?[] GoodPos { get; } = new Tensor?[layers];
    public Tensor?[] GoodNeg { get; } = new Tensor?[layers];
    readonly bool[] seen = new bool[layers];
    public int Count { get; private set; }

    public void Set(LayerStepped m)
    {
        if (seen[m.Layer])
        {
            m.Dispose();
            return;
        }
        seen[m.Layer] = true;
        Stats[m.Layer] = m.Stats;
        GoodPos[m.Layer] = m.GoodPositive;
        GoodNeg[m.Layer] = m.GoodNegative;
        Count++;
    }

    public void Dispose()
    {
        Indices.Dispose();
        foreach (var t in GoodPos) t?.Dispose();
        foreach (var t in GoodNeg) t?.Dispose();
    }
}

/// <summary>Exact γ: the batch being probed, waiting for every layer's goodness from the signal exchange.</summary>
internal sealed class StagedBatch(int batch, Tensor pos, Tensor neg) : IDisposable
{
    public int Batch { get; } = batch;
    public Tensor Positive { get; } = pos;
    public Tensor Negative { get; } = neg;
    public Tensor[]? GoodPos, GoodNeg;
    public Tensor? GammaPos, GammaNeg;
    public bool Ready => GammaPos is not null;
    public bool Sent;

    /// <summary>Takes one delivered goodness set; once both are in, computes s·γ for every layer ([L, B]).</summary>
    public void Take(SignalsDelivered d, CollaborationOptions collab)
    {
        bool positive = d.Key.Kind == SignalKinds.GoodnessPositive;
        if ((positive ? GoodPos : GoodNeg) is not null)
        {
            d.Dispose();
            return;
        }
        if (positive) GoodPos = d.Values;
        else GoodNeg = d.Values;
        if (GoodPos is null || GoodNeg is null) return;
        using var scope = NewDisposeScope();
        GammaPos = Collaboration.ScaledGammas(GoodPos, collab).DetachFromDisposeScope();
        GammaNeg = Collaboration.ScaledGammas(GoodNeg, collab).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        if (!Sent)
        {
            Positive.Dispose();
            Negative.Dispose();
            GammaPos?.Dispose();
            GammaNeg?.Dispose();
        }
        foreach (var t in GoodPos ?? []) t.Dispose();
        foreach (var t in GoodNeg ?? []) t.Dispose();
    }
}
