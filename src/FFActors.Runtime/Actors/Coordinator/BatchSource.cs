using System.Diagnostics;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// What the epoch feeder sends, built: each training batch's positives and negatives with the same
/// generators, in the same order, as <see cref="FFTrainer"/> (data order from <see cref="EpochBatches"/>,
/// negatives from <see cref="BatchBuilder"/>, augmentation seeded per batch), stale γ from the previous
/// epoch's goodness, and the inputs of evaluation passes. Owns the generators, so their states are what
/// a checkpoint records.
/// </summary>
internal sealed class BatchSource : IDisposable
{
    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly DataSplits data;
    readonly int layerCount;
    readonly LabelOverlay overlay;
    readonly Generator dataOrder, negGen;
    readonly BatchBuilder builder;
    readonly BatchAugmentation? augment;
    readonly INegativeStrategy strategy;
    readonly CollaborationOptions collab;
    readonly bool staleMode, readsLabels;
    StaleGoodnessTable? stale;
    EpochBatches? order;

    /// <summary>CwC-FF / HFF / Distance-Forward / Mono-Forward: batches are plain images with their labels, scoring is one pass per batch.</summary>
    public bool Competitive { get; }

    /// <summary>Model view (DESIGN.md): the copy model-driven strategies read, null when the strategy needs none.</summary>
    public ModelReplica? View { get; }

    public long BuildTicks { get; private set; }

    public BatchSource(CoordinatorSettings settings, IReadOnlyList<LayerSpec> layerOptions)
    {
        s = settings;
        config = s.Config;
        data = s.Data;
        layerCount = layerOptions.Count;
        Competitive = config.Model.LabelDriven;
        overlay = LabelOverlay.For(config.Model);
        dataOrder = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        negGen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        strategy = NegativeSetup.Create(config, overlay);
        builder = new BatchBuilder(overlay, strategy, negGen);
        augment = BatchAugmentation.For(config, data);
        View = strategy.NeedsModel && !Competitive ? new ModelReplica(layerOptions, config.Eval.ScoreLayersFor(layerCount), s.Device) : null;
        collab = config.Train.CollaborationOrDefault;
        staleMode = collab.Enabled && collab.Exchange == GammaExchange.Stale;
        readsLabels = layerOptions.Any(l => l.ReadsLabels);
    }

    public byte[] OrderState => GeneratorState.Of(dataOrder);

    public byte[] NegativeState => NegativeStreamState.Of(negGen, strategy);

    /// <summary>Batches in the open epoch.</summary>
    public int Count => order!.Count;

    public int BatchSize => order!.BatchSize;

    /// <summary>Generators and stale-γ table as at <paramref name="snap"/>.</summary>
    public void Restore(RunSnapshot snap)
    {
        CloseOrder();
        GeneratorState.Restore(dataOrder, snap.OrderState);
        NegativeStreamState.Restore(negGen, strategy, snap.NegativeState);
        if (!staleMode) return;
        stale?.Dispose();
        stale = new StaleGoodnessTable(data.Train.Count, layerCount, data.Train.Device);
        if (snap.StaleTable is null) return;
        using var r = new BinaryReader(new MemoryStream(snap.StaleTable, writable: false));
        stale.Load(r);
    }

    /// <summary>Draws epoch <paramref name="epoch"/>'s data order (the generator's state must be the epoch's start).</summary>
    public void OpenEpoch(int epoch) => order = new EpochBatches(data.Train, config.Train.BatchSize, dataOrder, augment, epoch);

    /// <summary>The epoch is over: its goodness becomes the next epoch's stale γ.</summary>
    public void CloseEpoch()
    {
        stale?.EndEpoch();
        CloseOrder();
    }

    public void CloseOrder()
    {
        order?.Dispose();
        order = null;
    }

    /// <summary>Builds training batch <paramref name="batch"/>; the tensors are detached (the sender gives them away), and so is <c>Pending.Indices</c>.</summary>
    public (TrainBatch Batch, PendingBatch Pending) Build(Stamp stamp, int batch)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var scope = NewDisposeScope();
        var (x, y, idx) = order!.Get(batch);
        var (pos, neg) = Competitive ? BatchBuilder.Plain(x) : builder.Build(x, y, View);
        Dictionary<string, Tensor>? signals = null;
        if (stale is not null)
        {
            var (gp, gn) = stale.Gammas(idx, collab);
            signals = new() { [SignalNames.GammaPositive] = gp.DetachFromDisposeScope(), [SignalNames.GammaNegative] = gn.DetachFromDisposeScope() };
        }
        var pending = new PendingBatch((int)x.shape[0], idx.DetachFromDisposeScope(), layerCount);
        s.Hooks?.OnBatchBuilt?.Invoke(new BatchTrace(stamp.Generation, stamp.Epoch, batch, idx.data<long>().ToArray()));
        var built = new TrainBatch(stamp, pos.DetachFromDisposeScope(), neg.DetachFromDisposeScope(), signals,
            readsLabels ? y.DetachFromDisposeScope() : null);
        BuildTicks += Stopwatch.GetTimestamp() - t0;
        return (built, pending);
    }

    /// <summary>Records a completed batch's per-sample goodness for the next epoch's stale γ.</summary>
    public void Record(PendingBatch p)
    {
        if (stale is null) return;
        for (int l = 0; l < layerCount; l++) stale.Record(p.Indices, l, p.GoodPos[l]!, p.GoodNeg[l]!);
    }

    public byte[]? StaleTable()
    {
        if (stale is null) return null;
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms)) stale.Save(w);
        return ms.ToArray();
    }

    /// <summary>Work item <paramref name="unit"/> of evaluation passes <paramref name="p"/>: batch unit / passes-per-batch, label unit % passes-per-batch.</summary>
    public ILayerWork PassItem(StreamPasses p, int unit)
    {
        int perBatch = p.Kind == PassKind.Score ? p.Classes : 1;
        int b = unit / perBatch, c = unit % perBatch;
        using var scope = NewDisposeScope();
        int start = b * p.BatchSize, len = Math.Min(p.BatchSize, p.Data.Count - start);
        var images = p.Data.Rows(start, len);
        var stamp = p.Stamp with { Batch = b };
        if (p.Kind == PassKind.Score)
        {
            var input = Competitive ? images.clone() : overlay.Apply(images, c);
            return new ScoreBatch(stamp, Competitive ? -1 : c, input.DetachFromDisposeScope(), p.Deepest, p.ReportMask);
        }
        var neutral = Competitive ? images.clone() : overlay.Neutral(images);
        return new FeatureBatch(stamp, neutral.DetachFromDisposeScope(), p.Deepest, p.ReportMask);
    }

    public void Dispose()
    {
        CloseOrder();
        stale?.Dispose();
        dataOrder.Dispose();
        negGen.Dispose();
        (strategy as IDisposable)?.Dispose();
        View?.Dispose();
    }
}
