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
/// Signals from a probe pass (exact γ, a kind's modulation; <see cref="IProbeRule"/>): batch t is probed right behind the
/// training of batch t − 1, so every layer publishes its signals for t after its update on t − 1; once every demanded
/// kind has come through the signal exchange, the rules compute the batch's per-layer signals and the batch is trained
/// with them. One batch is staged at a time.
/// </summary>
internal sealed class ProbeStage(IReadOnlyList<IProbeRule> rules, int layers) : IDisposable
{
    readonly IReadOnlyList<SignalDemand> demands = ProbeRules.Demands(rules);
    readonly Dictionary<string, Tensor?[]> published = new();
    TrainBatch? built;
    Dictionary<string, Tensor>? rows;

    public bool Empty => built is null;
    public bool Ready => rows is not null;

    /// <summary>Stages <paramref name="batch"/>; returns the subscriptions to send the exchange and the probe to send layer 0.</summary>
    public (SubscribeSignals[] Subscriptions, ProbeBatch Probe) Stage(TrainBatch batch, IActorRef subscriber)
    {
        built = batch;
        var stamp = batch.Stamp;
        using var scope = NewDisposeScope();
        return (demands.Select(d => new SubscribeSignals(SignalKey.For(stamp, d.Kind), d.Sources, subscriber)).ToArray(),
            new ProbeBatch(stamp, batch.Positive.clone().DetachFromDisposeScope(), batch.Negative.clone().DetachFromDisposeScope(), demands));
    }

    /// <summary>Takes one delivered kind of the staged batch (anything else is disposed); once all are in, computes the
    /// batch's signal rows.</summary>
    public void Take(SignalsDelivered d)
    {
        var stamp = built?.Stamp;
        if (stamp is null || d.Key != SignalKey.For(stamp.Value, d.Key.Kind) || published.ContainsKey(d.Key.Kind)
            || demands.All(x => x.Kind != d.Key.Kind))
        {
            d.Dispose();
            return;
        }
        var byLayer = new Tensor?[layers];
        for (int i = 0; i < d.Sources.Count; i++) byLayer[d.Sources[i]] = d.Values[i];
        published[d.Key.Kind] = byLayer;
        if (published.Count < demands.Count) return;
        using var scope = NewDisposeScope();
        var computed = ProbeRules.Rows(rules, published, built!.Labels);
        foreach (var t in computed.Values) t.DetachFromDisposeScope();
        rows = computed;
    }

    /// <summary>The staged batch with its signals, to train; the stage is empty afterwards.</summary>
    public TrainBatch Release()
    {
        var merged = new Dictionary<string, Tensor>(built!.Signals ?? new Dictionary<string, Tensor>());
        foreach (var (name, t) in rows!) merged[name] = t;
        var batch = built with { Signals = merged };
        (built, rows) = (null, null);
        DisposePublished();
        return batch;
    }

    void DisposePublished()
    {
        foreach (var t in published.Values.SelectMany(v => v)) t?.Dispose();
        published.Clear();
    }

    public void Dispose()
    {
        built?.Dispose();
        foreach (var t in rows?.Values.AsEnumerable() ?? []) t.Dispose();
        (built, rows) = (null, null);
        DisposePublished();
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
            view.Load(w.Layer, w.State);
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
