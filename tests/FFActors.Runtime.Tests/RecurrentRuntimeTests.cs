using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>
/// Hinton's recurrent FF through the layer actors: every batch runs a bottom-up pass and then synchronous iterations in
/// which each layer hears the layer below and, over the top-down path, the layer above. Core's trainer, the sequential
/// actors and the pipeline actors (with any credit window) end with bitwise the same weights, and evaluation through the
/// actors (each label run for the iterations, goodness summed over the scored ones) equals Core's.
/// </summary>
public class RecurrentRuntimeTests(ITestOutputHelper output)
{
    internal static FFConfig Config(int iterations = 4, bool topDown = true, int epochs = 2, int train = 300, int validation = 100)
    {
        var c = Mnist.Config(layers: [784, 64, 48, 32], epochs: epochs, batch: 50, train: train, validation: validation, validate: validation > 0);
        return c with
        {
            Model = c.Model with { LayerKind = new RecurrentKind(new RecurrentOptions(Iterations: iterations, ScoreFrom: 2, ScoreTo: 3, TopDown: topDown)) },
            Eval = c.Eval with { ScoreLayers = [0, 1, 2], HeadLayers = [1, 2], HeadEpochs = 1, BatchSize = 64 },
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Sequential_and_pipeline_end_with_the_weights_of_Cores_trainer(int window)
    {
        var config = Config();
        using var data = Mnist.Load(config);
        var (reference, refMetrics) = RuntimeSupport.Reference(config, data);
        using var _ = reference;
        using (var seq = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Sequential, window, checkpoints: false), data, null, false, null,
                   CancellationToken.None).Network)
            Weights.AssertSame(reference, seq, "sequential vs FFTrainer");
        var pipe = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, window, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var pipeNet = pipe.Network;
        using (var initial = new FFNetwork(config, TorchSharp.torch.CPU))
            Assert.False(Weights.Equal(initial, pipeNet), "training changed no weight");
        Weights.AssertSame(reference, pipeNet, "pipeline vs FFTrainer");
        for (int e = 0; e < refMetrics.Count; e++)
            Assert.Equal(refMetrics[e].ValidationAccuracy, pipe.Metrics[e].ValidationAccuracy);

        var actors = pipe.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");
        RuntimeSupport.OneThread();
        var core = Evaluator.Evaluate(pipeNet, data.Train, data.Test, new LabelOverlay(), config.Eval, config.Run.Seed);
        output.WriteLine($"W={window}: actors {actors.GoodnessAccuracy:P2} SF {actors.HeadAccuracy:P2}; core {core.GoodnessAccuracy:P2} / {core.HeadAccuracy:P2}");
        Assert.Equal(core.GoodnessAccuracy, actors.GoodnessAccuracy);
        Assert.Equal(core.HeadAccuracy, actors.HeadAccuracy);
    }
}
