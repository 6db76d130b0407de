using System.Diagnostics;
using FFActors.Core.Data;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>Trains an <see cref="FFNetwork"/> with the greedy or the simultaneous schedule.</summary>
public sealed class FFTrainer(FFConfig config, ITrainingObserver? observer = null)
{
    readonly ITrainingObserver observer = observer ?? NullObserver.Instance;
    public LabelOverlay Overlay { get; } = LabelOverlay.For(config.Model);

    /// <summary>True when the last <see cref="Train"/> returned early because it was asked to stop.</summary>
    public bool Stopped { get; private set; }

    /// <summary>
    /// Trains <paramref name="net"/>; a stop request ends it before the next batch (the metrics then hold the finished
    /// epochs). <paramref name="checkpoints"/> (greedy schedule only; the runtime checkpoints the simultaneous one)
    /// resumes from a saved point and saves new ones.
    /// </summary>
    public IReadOnlyList<EpochMetrics> Train(FFNetwork net, DataSplits data, CancellationToken cancel = default, GreedyCheckpointing? checkpoints = null)
    {
        if (checkpoints is not null && config.Train.Schedule != Schedule.Greedy)
            throw new ArgumentException("train.schedule: the in-process trainer checkpoints only the greedy schedule (the actor runtime checkpoints the simultaneous one)");
        this.cancel = cancel;
        Stopped = false;
        using var dataOrder = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        using var negGen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        if (net.LabelDriven && config.Train.Schedule == Schedule.Greedy)
            throw new ArgumentException("train.schedule: a CwC-FF network trains with the simultaneous schedule (its ILT windows stage the layers)");
        if (net.LabelDriven && config.Train.CollaborationOrDefault.Enabled)
            throw new ArgumentException("train.collaboration: not supported for a label-driven network (CwC-FF, HFF, Distance-Forward, Mono-Forward)");
        var setup = NegativeSetup.Of(config);
        setup.CheckInput(config, data.Train.Features);
        labelFree = setup.LabelFree;
        augment = BatchAugmentation.For(config, data);
        var strategy = NegativeSetup.Create(config, Overlay);
        // Label-driven networks (CwC-FF, HFF) have no negatives, so no goodness histograms to draw.
        using var probe = config.Eval.DiagnosticSamples > 0 && !net.LabelDriven
            ? new DiagnosticsProbe(config, data.Train, net.Layers.Select(l => l.Spec).ToArray()) : null;
        diagnostics = probe;
        try
        {
            var builder = new BatchBuilder(Overlay, strategy, negGen);
            if (config.Train.Schedule == Schedule.Greedy && config.Train.CollaborationOrDefault.Enabled)
                throw new ArgumentException("train.collaboration: layer collaboration needs the simultaneous schedule");
            if (net.Layers[0].Spec.TopDown is not null && config.Train.Schedule == Schedule.Greedy)
                throw new ArgumentException($"train.schedule: a {config.Model.Kind.Name} network whose layers hear the layer above needs the simultaneous schedule");
            if (net.Layers[0].Spec.TopDown is not null && ProbeRules.For(config).Count > 0)
                throw new ArgumentException($"model.kind: a {config.Model.Kind.Name} network iterates every batch and takes no probe-pass signals");
            if (config.Train.Schedule == Schedule.Greedy && config.Model.Kind.ProbeRules(config.Model).Count > 0)
                throw new ArgumentException($"train.schedule: a {config.Model.Kind.Name} network whose layers read signals of the whole network needs the simultaneous schedule");
            return config.Train.Schedule == Schedule.Greedy
                ? Greedy(net, data, builder, dataOrder, negGen, checkpoints)
                : Simultaneous(net, data, builder, dataOrder);
        }
        finally
        {
            (strategy as IDisposable)?.Dispose();
        }
    }

    bool labelFree;
    CancellationToken cancel;
    BatchAugmentation? augment;
    DiagnosticsProbe? diagnostics;

    /// <summary>The row with the end-of-epoch diagnostics of the network as it is now (when on).</summary>
    EpochMetrics WithDiagnostics(EpochMetrics m, FFNetwork net, int epoch)
    {
        if (diagnostics is null) return m;
        diagnostics.Replica.LoadFrom(net);
        return m with { Diagnostics = diagnostics.Measure(epoch) };
    }

    /// <summary>The copy of the network that model-driven strategies read (null when the strategy needs none).</summary>
    ModelReplica? ReplicaFor(FFNetwork net, BatchBuilder builder) => builder.Strategy.NeedsModel && !net.LabelDriven
        ? new ModelReplica(net.Layers.Select(l => l.Spec).ToArray(), config.Eval.ScoreLayersFor(net.Layers.Count), net.Layers[0].Module.parameters().First().device)
        : null;

    List<EpochMetrics> Simultaneous(FFNetwork net, DataSplits data, BatchBuilder builder, Generator dataOrder)
    {
        var metrics = new List<EpochMetrics>();
        int epochs = config.Train.Epochs;
        var collab = config.Train.CollaborationOrDefault;
        var rules = ProbeRules.For(config);
        var demands = ProbeRules.Demands(rules);
        bool readsLabels = net.Layers.Any(l => l.Spec.ReadsLabels);
        using var replica = ReplicaFor(net, builder);
        using var stale = collab.Enabled && collab.Exchange == GammaExchange.Stale
            ? new StaleGoodnessTable(data.Train.Count, net.Layers.Count, data.Train.Device)
            : null;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            net.SetEpoch(epoch, epochs);
            observer.PhaseStarted($"epoch {epoch + 1}/{epochs}", data.Train.Count);
            var acc = new StatsAccumulator(net.Layers.Count);
            var sw = Stopwatch.StartNew();
            int batch = 0;
            foreach (var (x, y, idx) in TrainingBatches(data, dataOrder, epoch))
            {
                using (x)
                using (y)
                using (idx)
                using (NewDisposeScope())
                {
                    if (StopRequested()) return metrics;
                    // The runtime refreshes its copy at the same batches (see DESIGN.md, "Model view").
                    if (replica is not null && batch % config.Train.ModelViewRefresh == 0) replica.LoadFrom(net);
                    batch++;
                    var (pos, neg) = net.LabelDriven ? BatchBuilder.Plain(x) : builder.Build(x, y, replica);
                    var labels = readsLabels ? y : null;
                    // Per-layer signals [L, B, …] (exact γ, a kind's modulation) from a probe pass of the batch with the
                    // weights before its update, or stale γ from the previous epoch; null when there are none.
                    Dictionary<string, Tensor>? rows = null;
                    if (rules.Count > 0)
                        rows = ProbeRules.Rows(rules, ProbeRules.Probe(net.Layers, pos, neg, demands), labels);
                    else if (stale is not null)
                    {
                        var (gammaPos, gammaNeg) = stale.Gammas(idx, collab);
                        rows = new() { [SignalNames.GammaPositive] = gammaPos, [SignalNames.GammaNegative] = gammaNeg };
                    }
                    var stats = new List<(int, LayerStepStats)>(net.Layers.Count);
                    if (net.Layers[0].Spec.TopDown is { } schedule)
                    {
                        // Synchronous iterations in which every layer also hears the layer above.
                        var iterated = TopDownIterations.Train(net.Layers, schedule, pos, neg, labels);
                        for (int l = 0; l < iterated.Length; l++)
                        {
                            acc.Add(l, iterated[l]);
                            stats.Add((l, iterated[l]));
                        }
                    }
                    else for (int l = 0; l < net.Layers.Count; l++)
                    {
                        var layer = net.Layers[l];
                        var (output, s) = layer.Step(ProbeRules.StepInputFor(l, pos, neg, labels, rows));
                        stale?.Record(idx, l, layer.Score(output.Positive), layer.Score(output.Negative));
                        acc.Add(l, s);
                        stats.Add((l, s));
                        (pos, neg) = (output.Positive, output.Negative);
                    }
                    observer.BatchCompleted((int)x.shape[0], stats);
                }
            }
            stale?.EndEpoch();
            double seconds = sw.Elapsed.TotalSeconds;
            var m = new EpochMetrics(epoch + 1, 0, seconds, data.Train.Count / seconds,
                acc.Means(l => net.Layers[l].LearningRate), Validate(net, data, net.Layers.Count - 1));
            m = WithDiagnostics(m, net, epoch);
            metrics.Add(m);
            observer.EpochCompleted(m);
        }
        return metrics;
    }

    bool StopRequested() => Stopped = cancel.IsCancellationRequested;

    /// <summary>One epoch's training batches (augmented when asked) with their dataset indices, as the runtime's coordinator draws them.</summary>
    IEnumerable<(Tensor X, Tensor Y, Tensor Indices)> TrainingBatches(DataSplits data, Generator dataOrder, int epoch)
    {
        using var order = new EpochBatches(data.Train, config.Train.BatchSize, dataOrder, augment, epoch);
        for (int b = 0; b < order.Count; b++) yield return order.Get(b);
    }

    List<EpochMetrics> Greedy(FFNetwork net, DataSplits data, BatchBuilder builder, Generator dataOrder, Generator negGen,
        GreedyCheckpointing? checkpoints)
    {
        var metrics = new List<EpochMetrics>();
        int epochs = config.Train.Epochs;
        int first = 0;
        if (checkpoints?.From is { } from)
        {
            if (from.Epoch < 0 || from.Epoch > net.Layers.Count * epochs)
                throw new ArgumentException($"resume: the checkpoint's epoch {from.Epoch} is outside this run's {net.Layers.Count} × {epochs} greedy epochs");
            first = from.Epoch;
            GeneratorState.Restore(dataOrder, from.OrderState);
            NegativeStreamState.Restore(negGen, builder.Strategy, from.NegativeState);
            metrics.AddRange(from.Metrics);
        }
        int lastSaved = first, batchesSinceSave = 0;
        for (int layer = first / epochs; layer < net.Layers.Count; layer++)
        {
            var trainer = net.Layers[layer];
            // Greedy: the model-driven strategies see the live network trained so far.
            var view = builder.Strategy.NeedsModel ? new NetworkView(net, GreedyScoreLayers(net, layer)) : null;
            int firstEpoch = layer == first / epochs ? first % epochs : 0;
            observer.PhaseStarted($"layer {layer + 1}/{net.Layers.Count}", (long)data.Train.Count * (epochs - firstEpoch));
            for (int epoch = firstEpoch; epoch < epochs; epoch++)
            {
                int index = layer * epochs + epoch;
                trainer.SetEpoch(epoch, epochs);
                var acc = new StatsAccumulator(net.Layers.Count);
                var sw = Stopwatch.StartNew();
                var orderAtStart = checkpoints is null ? null : GeneratorState.Of(dataOrder);
                int batch = 0;
                foreach (var (x, y, idx) in TrainingBatches(data, dataOrder, index))
                {
                    using (x)
                    using (y)
                    using (idx)
                    using (NewDisposeScope())
                    {
                        if (StopRequested())
                        {
                            // Between two epochs nothing is lost: save where the run stands unless that is saved already.
                            if (checkpoints is not null && batch == 0 && lastSaved != index)
                                checkpoints.Save(new GreedyPoint(index, orderAtStart!, NegativeStreamState.Of(negGen, builder.Strategy), [.. metrics]));
                            return metrics;
                        }
                        var (pos, neg) = builder.Build(x, y, view);
                        for (int below = 0; below < layer; below++)
                        {
                            pos = net.Layers[below].Forward(pos);
                            neg = net.Layers[below].Forward(neg);
                        }
                        var (_, s) = trainer.Step(pos, neg);
                        acc.Add(layer, s);
                        observer.BatchCompleted((int)x.shape[0], [(layer, s)]);
                        batch++;
                    }
                }
                double seconds = sw.Elapsed.TotalSeconds;
                bool last = epoch == epochs - 1;
                var m = new EpochMetrics(epoch + 1, layer, seconds, data.Train.Count / seconds,
                    acc.Means(l => net.Layers[l].LearningRate), last ? Validate(net, data, layer) : null);
                m = WithDiagnostics(m, net, epoch);
                metrics.Add(m);
                observer.EpochCompleted(m);
                batchesSinceSave += batch;
                // The last epoch always saves, so that resuming a finished run trains nothing again.
                if (checkpoints is not null && (batchesSinceSave >= checkpoints.EveryBatches || index + 1 == net.Layers.Count * epochs))
                {
                    checkpoints.Save(new GreedyPoint(index + 1, GeneratorState.Of(dataOrder), NegativeStreamState.Of(negGen, builder.Strategy), [.. metrics]));
                    (lastSaved, batchesSinceSave) = (index + 1, 0);
                }
            }
        }
        return metrics;
    }

    /// <summary>Goodness-scoring accuracy on the validation split using the trained layers up to <paramref name="upTo"/>.</summary>
    double? Validate(FFNetwork net, DataSplits data, int upTo)
    {
        // A label-free network cannot be scored by label goodness; it is judged by the probe at the end.
        if (data.Validation is null || !config.Eval.ValidateEachEpoch || labelFree) return null;
        return GoodnessScorer.Accuracy(net, data.Validation, Overlay, GreedyScoreLayers(net, upTo), config.Eval.BatchSize);
    }

    /// <summary>The score layers among those trained up to <paramref name="upTo"/> (that layer alone when none is).</summary>
    int[] GreedyScoreLayers(FFNetwork net, int upTo)
    {
        var layers = config.Eval.ScoreLayersFor(net.Layers.Count).Where(l => l <= upTo).ToArray();
        return layers.Length == 0 ? [upTo] : layers;
    }
}
