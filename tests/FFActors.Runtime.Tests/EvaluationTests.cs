using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>Evaluation through the actors gives exactly what Core's evaluator gives on the gathered layers.</summary>
public class EvaluationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ExecutionMode.Pipeline)]
    [InlineData(ExecutionMode.Sequential)]
    public void Goodness_scoring_and_softmax_head_through_the_actors_match_core_evaluator(ExecutionMode mode)
    {
        var baseConfig = Mnist.Config(epochs: 2, batch: 50, train: 600, validation: 100, validate: true);
        var config = baseConfig with { Eval = baseConfig.Eval with { HeadEpochs = 2, BatchSize = 64 } };
        using var data = Mnist.Load(config);
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(mode, checkpoints: false), data, null, false, null, CancellationToken.None, evaluate: true);
        using var net = result.Network;
        var actors = result.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");

        RuntimeSupport.OneThread();
        var overlay = new LabelOverlay(config.Model.LabelValue);
        var core = Evaluator.Evaluate(net, data.Train, data.Test, overlay, config.Eval, config.Run.Seed);
        output.WriteLine($"actors: goodness {actors.GoodnessAccuracy:P2} head {actors.HeadAccuracy:P2} in {actors.Seconds:F2} s; core: {core.GoodnessAccuracy:P2} / {core.HeadAccuracy:P2} in {core.Seconds:F2} s");
        Assert.Equal(core.ScoreLayers, actors.ScoreLayers);
        Assert.Equal(core.HeadLayers, actors.HeadLayers);
        Assert.Equal(core.GoodnessAccuracy, actors.GoodnessAccuracy);
        Assert.Equal(core.HeadAccuracy, actors.HeadAccuracy);

        // Per-epoch validation scored through the actors equals Core's scorer on the final layers.
        var val = GoodnessScorer.Accuracy(net, data.Validation!, overlay, config.Eval.ScoreLayersFor(net.Layers.Count), config.Eval.BatchSize);
        Assert.Equal(val, result.Metrics[^1].ValidationAccuracy);
    }

    [Fact]
    public void Validation_accuracy_per_epoch_matches_the_core_trainer()
    {
        var config = Mnist.Config(epochs: 2, batch: 50, train: 500, validation: 150, validate: true);
        using var data = Mnist.Load(config);
        var (reference, metrics) = RuntimeSupport.Reference(config, data);
        reference.Dispose();
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None);
        result.Network.Dispose();
        Assert.Equal(metrics.Select(m => m.ValidationAccuracy), result.Metrics.Select(m => m.ValidationAccuracy));
    }
}
