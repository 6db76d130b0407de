using System.Diagnostics;
using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
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

/// <summary>
/// Exact γ: batch t is probed right behind the training of batch t − 1, so every layer reports its goodness for
/// t after its update on t − 1; once every layer's goodness of positives and of negatives has come through the
/// signal exchange, the batch is trained with s·γ. One batch is staged at a time.
/// </summary>
internal sealed class ExactGammaStage(CollaborationOptions collab, int layers) : IDisposable
{
    readonly int[] sources = Enumerable.Range(0, layers).ToArray();
    TrainBatch? built;
    Tensor[]? goodPos, goodNeg;
    Tensor? gammaPos, gammaNeg;

    public bool Empty => built is null;
    public bool Ready => gammaPos is not null;

    /// <summary>Stages <paramref name="batch"/>; returns the subscriptions to send the exchange and the probe to send layer 0.</summary>
    public (SubscribeSignals[] Subscriptions, ProbeBatch Probe) Stage(TrainBatch batch, IActorRef subscriber)
    {
        built = batch;
        var stamp = batch.Stamp;
        using var scope = NewDisposeScope();
        return ([
                new SubscribeSignals(SignalKey.For(stamp, SignalKinds.GoodnessPositive), sources, subscriber),
                new SubscribeSignals(SignalKey.For(stamp, SignalKinds.GoodnessNegative), sources, subscriber),
            ],
            new ProbeBatch(stamp, batch.Positive.clone().DetachFromDisposeScope(), batch.Negative.clone().DetachFromDisposeScope()));
    }

    /// <summary>Takes one delivered goodness set of the staged batch (anything else is disposed); once both are in,
    /// computes s·γ for every layer ([L, B]).</summary>
    public void Take(SignalsDelivered d)
    {
        bool positive = d.Key.Kind == SignalKinds.GoodnessPositive;
        var stamp = built?.Stamp;
        if (stamp is null || d.Key != SignalKey.For(stamp.Value, d.Key.Kind) || (positive ? goodPos : goodNeg) is not null)
        {
            d.Dispose();
            return;
        }
        if (positive) goodPos = d.Values;
        else goodNeg = d.Values;
        if (goodPos is null || goodNeg is null) return;
        using var scope = NewDisposeScope();
        gammaPos = Collaboration.ScaledGammas(goodPos, collab).DetachFromDisposeScope();
        gammaNeg = Collaboration.ScaledGammas(goodNeg, collab).DetachFromDisposeScope();
    }

    /// <summary>The staged batch with its γ, to train; the stage is empty afterwards.</summary>
    public TrainBatch Release()
    {
        var batch = built! with { GammaPositive = gammaPos, GammaNegative = gammaNeg };
        (built, gammaPos, gammaNeg) = (null, null, null);
        DisposeGoodness();
        return batch;
    }

    void DisposeGoodness()
    {
        foreach (var t in goodPos ?? []) t.Dispose();
        foreach (var t in goodNeg ?? []) t.Dispose();
        (goodPos, goodNeg) = (null, null);
    }

    public void Dispose()
    {
        built?.Dispose();
        gammaPos?.Dispose();
        gammaNeg?.Dispose();
        (built, gammaPos, gammaNeg) = (null, null, null);
        DisposeGoodness();
    }
}

/// <summary>
/// The current epoch's account: the batches sent and not yet completed (completed in batch order once every
/// layer has reported), how many have completed, the step statistics summed over those, and the epoch's time
/// (including the part before a restore).
/// </summary>
internal sealed class EpochLedger(int layers) : IDisposable
{
    readonly Dictionary<int, PendingBatch> pending = new();
    readonly Stopwatch watch = new();
    double before;

    public int Completed { get; private set; }
    public StatsSums Sums { get; private set; } = new(layers);
    public double Seconds => before + watch.Elapsed.TotalSeconds;

    /// <summary>Carries on an epoch restored at <paramref name="batch"/> with its sums and elapsed time so far.</summary>
    public void Restore(StatsSums sums, double elapsedSeconds) => (Sums, before) = (sums.Clone(), elapsedSeconds);

    public void Start(int fromBatch)
    {
        Completed = fromBatch;
        watch.Restart();
    }

    public void NextEpoch() => (Sums, before) = (new StatsSums(layers), 0);

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

    /// <summary>Completes, in batch order, every batch that all layers have reported, and yields each; a batch is
    /// disposed once the caller has seen it.</summary>
    public IEnumerable<PendingBatch> CompleteInOrder()
    {
        while (pending.TryGetValue(Completed, out var p) && p.Count == layers)
        {
            pending.Remove(Completed);
            for (int l = 0; l < layers; l++) Sums.Add(l, p.Stats[l]);
            Completed++;
            using (p) yield return p;
        }
    }

    public void Dispose()
    {
        foreach (var p in pending.Values) p.Dispose();
        pending.Clear();
    }
}

/// <summary>The evaluator's passes (<see cref="StreamPasses"/>), handed out one item at a time as credits allow.</summary>
internal sealed class PassStream
{
    StreamPasses? passes;
    int next, units;

    public void Start(StreamPasses p) => (passes, next, units) = (p, 0, p.Batches * (p.Kind == PassKind.Score ? p.Classes : 1));

    public void Stop() => passes = null;

    public bool TryNext(BatchSource source, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ILayerWork? item)
    {
        item = passes is null || next == units ? null : source.PassItem(passes, next++);
        if (next == units) passes = null;
        return item is not null;
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

    /// <summary>True when batch <paramref name="stamp"/> may be built: there is no <paramref name="view"/> (the
    /// strategy needs no model), or it holds the weights the batch must see. Otherwise, once
    /// <paramref name="drained"/> (every earlier batch completed, so every layer has made exactly the updates
    /// before this batch), asks the layers for their weights, answered to <paramref name="self"/>.</summary>
    public bool Ready(FFActors.Core.Negatives.ModelReplica? view, Stamp stamp, bool drained, IReadOnlyList<IActorRef> layers, IActorRef self)
    {
        if (view is null) return true;
        bool fresh = viewEpoch == stamp.Epoch && viewBatch == stamp.Batch;
        if (fresh || (viewEpoch >= 0 && stamp.Batch % every != 0)) return true;
        if (reading is not null || !drained) return false;
        reading = stamp;
        pending = view.LayerCount;
        for (int l = 0; l < view.LayerCount; l++) layers[l].Tell(new ReadWeights(stamp), self);
        return false;
    }

    /// <summary>Loads a weight copy into <paramref name="view"/> (disposing it); true once the read is complete.</summary>
    public bool Load(LayerWeights w, FFActors.Core.Negatives.ModelReplica? view)
    {
        using (w)
        {
            if (view is null || w.Stamp != reading) return false;
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
