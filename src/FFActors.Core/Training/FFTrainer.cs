using System.Diagnostics;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Negatives;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>Trains an <see cref="FFNetwork"/> with the greedy or the simultaneous schedule.</summary>
public sealed class FFTrainer(FFConfig config, ITrainingObserver? observer = null)
{
    readonly ITrainingObserver observer = observer ?? NullObserver.Instance;
    public LabelOverlay Overlay { get; } = new(config.Model.LabelValue);

    public IReadOnlyList<EpochMetrics> Train(FFNetwork net, DataSplits data)
    {
        using var dataOrder = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        using var negGen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        var builder = new BatchBuilder(Overlay, NegativeStrategies.Create(config.Train.Negatives, Overlay), negGen);
        return config.Train.Schedule == Schedule.Greedy
            ? Greedy(net, data, builder, dataOrder)
            : Simultaneous(net, data, builder, dataOrder);
    }

    List<EpochMetrics> Simultaneous(FFNetwork net, DataSplits data, BatchBuilder builder, Generator dataOrder)
    {
        var metrics = new List<EpochMetrics>();
        int epochs = config.Train.Epochs;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            net.SetEpoch(epoch, epochs);
            observer.PhaseStarted($"epoch {epoch + 1}/{epochs}", data.Train.Count);
            var acc = new StatsAccumulator(net.Layers.Count);
            var sw = Stopwatch.StartNew();
            foreach (var (x, y) in data.Train.Batches(config.Train.BatchSize, dataOrder))
            {
                using (x)
                using (y)
                using (NewDisposeScope())
                {
                    var (pos, neg) = builder.Build(x, y);
                    var stats = new List<(int, LayerStepStats)>(net.Layers.Count);
                    for (int l = 0; l < net.Layers.Count; l++)
                    {
                        var (output, s) = net.Layers[l].Step(pos, neg);
                        acc.Add(l, s);
                        stats.Add((l, s));
                        (pos, neg) = (output.Positive, output.Negative);
                    }
                    observer.BatchCompleted((int)x.shape[0], stats);
                }
            }
            double seconds = sw.Elapsed.TotalSeconds;
            var m = new EpochMetrics(epoch + 1, 0, seconds, data.Train.Count / seconds,
                acc.Means(l => net.Layers[l].LearningRate), Validate(net, data, net.Layers.Count - 1));
            metrics.Add(m);
            observer.EpochCompleted(m);
        }
        return metrics;
    }

    List<EpochMetrics> Greedy(FFNetwork net, DataSplits data, BatchBuilder builder, Generator dataOrder)
    {
        var metrics = new List<EpochMetrics>();
        int epochs = config.Train.Epochs;
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            var trainer = net.Layers[layer];
            observer.PhaseStarted($"layer {layer + 1}/{net.Layers.Count}", (long)data.Train.Count * epochs);
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                trainer.SetEpoch(epoch, epochs);
                var acc = new StatsAccumulator(net.Layers.Count);
                var sw = Stopwatch.StartNew();
                foreach (var (x, y) in data.Train.Batches(config.Train.BatchSize, dataOrder))
                {
                    using (x)
                    using (y)
                    using (NewDisposeScope())
                    {
                        var (pos, neg) = builder.Build(x, y);
                        for (int below = 0; below < layer; below++)
                        {
                            pos = net.Layers[below].Forward(pos);
                            neg = net.Layers[below].Forward(neg);
                        }
                        var (_, s) = trainer.Step(pos, neg);
                        acc.Add(layer, s);
                        observer.BatchCompleted((int)x.shape[0], [(layer, s)]);
                    }
                }
                double seconds = sw.Elapsed.TotalSeconds;
                bool last = epoch == epochs - 1;
                var m = new EpochMetrics(epoch + 1, layer, seconds, data.Train.Count / seconds,
                    acc.Means(l => net.Layers[l].LearningRate), last ? Validate(net, data, layer) : null);
                metrics.Add(m);
                observer.EpochCompleted(m);
            }
        }
        return metrics;
    }

    /// <summary>Goodness-scoring accuracy on the validation split using the trained layers up to <paramref name="upTo"/>.</summary>
    double? Validate(FFNetwork net, DataSplits data, int upTo)
    {
        if (data.Validation is null || !config.Eval.ValidateEachEpoch) return null;
        var layers = config.Eval.ScoreLayersFor(net.Layers.Count).Where(l => l <= upTo).ToArray();
        if (layers.Length == 0) layers = [upTo];
        return GoodnessScorer.Accuracy(net, data.Validation, Overlay, layers, config.Eval.BatchSize);
    }
}
