using System.Diagnostics;
using FFActors.Core.Data;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>Runs both readouts: goodness scoring and a softmax head trained on the training split.</summary>
public static class Evaluator
{
    /// <param name="probeOnly">Label-free training (<see cref="Negatives.NegativeSetup.ProbeOnly"/>): skip goodness
    /// scoring and run only the softmax head on the frozen features, i.e. the linear probe.</param>
    public static EvaluationResult Evaluate(FFNetwork net, Dataset train, Dataset test, LabelOverlay overlay, EvalOptions options, long seed,
        bool probeOnly = false)
    {
        var sw = Stopwatch.StartNew();
        int layerCount = net.Layers.Count;
        var scoreLayers = options.ScoreLayersFor(layerCount);
        var headLayers = options.HeadLayersFor(layerCount);
        options.CheckLayers(layerCount);

        double goodness = probeOnly ? double.NaN : GoodnessScorer.Accuracy(net, test, overlay, scoreLayers, options.BatchSize);

        double headAccuracy = double.NaN;
        if (options.HeadEpochs > 0)
        {
            using var scope = NewDisposeScope();
            using var gen = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.Head));
            using var trainFeatures = SoftmaxHead.Features(net, train, overlay, headLayers, options.BatchSize);
            using var testFeatures = SoftmaxHead.Features(net, test, overlay, headLayers, options.BatchSize);
            using var head = new SoftmaxHead(trainFeatures.Width, overlay.Classes, gen);
            head.to(trainFeatures.Device);
            head.Fit(trainFeatures.With(train.Labels), options.HeadEpochs, options.HeadBatchSize, options.HeadLearningRate, gen);
            headAccuracy = head.Accuracy(testFeatures.With(test.Labels), options.BatchSize);
        }
        return new EvaluationResult(goodness, scoreLayers, headAccuracy, headLayers, sw.Elapsed.TotalSeconds) { ProbeOnly = probeOnly };
    }

}

/// <summary>Test accuracy by goodness scoring and by the softmax head, with the layers each used.</summary>
public sealed record EvaluationResult(double GoodnessAccuracy, int[] ScoreLayers, double HeadAccuracy, int[] HeadLayers, double Seconds)
{
    /// <summary>Only the linear probe ran (label-free training): <see cref="GoodnessAccuracy"/> is NaN, not a score.</summary>
    public bool ProbeOnly { get; init; }
}
