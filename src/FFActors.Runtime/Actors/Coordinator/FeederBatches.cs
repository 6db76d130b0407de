using FFActors.Core.Layers;
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

/// <summary>The batches sent and not yet completed; completes them in batch order once every layer has reported.</summary>
internal sealed class BatchLedger(int layers) : IDisposable
{
    readonly Dictionary<int, PendingBatch> pending = new();

    public void Add(int batch, PendingBatch p) => pending[batch] = p;

    /// <summary>Files a layer's step report; false (and the report disposed) when its batch is not in flight.</summary>
    public bool Take(LayerStepped m)
    {
        if (!pending.TryGetValue(m.Stamp.Batch, out var p))
        {
            m.Dispose();
            return false;
        }
        p.Set(m);
        return true;
    }

    /// <summary>Removes and returns batch <paramref name="batch"/> if every layer has reported it; the caller disposes it.</summary>
    public PendingBatch? TakeComplete(int batch)
    {
        if (!pending.TryGetValue(batch, out var p) || p.Count < layers) return null;
        pending.Remove(batch);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in pending.Values) p.Dispose();
        pending.Clear();
    }
}

/// <summary>
/// When the model view must be refreshed: batches 0, N, 2N, … of every epoch (N = <c>train.model-view-refresh</c>)
/// and the first batch built after a restore, from weights read once every earlier batch has completed.
/// </summary>
internal sealed class ViewRefresh(int every)
{
    int viewEpoch = -1, viewBatch = -1, pending;
    Stamp? reading;

    /// <summary>True when the view holds what batch <paramref name="stamp"/> must see; otherwise, when
    /// <paramref name="drained"/>, starts a read of <paramref name="layers"/> layers through <paramref name="ask"/>.</summary>
    public bool Ready(Stamp stamp, bool drained, int layers, Action<Stamp> ask)
    {
        bool fresh = viewEpoch == stamp.Epoch && viewBatch == stamp.Batch;
        if (fresh || (viewEpoch >= 0 && stamp.Batch % every != 0)) return true;
        if (reading is not null || !drained) return false;
        reading = stamp;
        pending = layers;
        ask(stamp);
        return false;
    }

    /// <summary>Loads a weight copy into <paramref name="view"/>; true once the read is complete.</summary>
    public bool Load(LayerWeights w, FFActors.Core.Negatives.ModelReplica view)
    {
        using (w)
        {
            if (w.Stamp != reading) return false;
            view.Load(w.Layer, w.Weight, w.Bias);
        }
        if (--pending > 0) return false;
        (viewEpoch, viewBatch) = (reading.Value.Epoch, reading.Value.Batch);
        reading = null;
        return true;
    }

    public void Reset()
    {
        (viewEpoch, viewBatch, pending) = (-1, -1, 0);
        reading = null;
    }
}
