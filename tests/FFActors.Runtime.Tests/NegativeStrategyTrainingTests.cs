using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>Every negative strategy trains through the actor runtime; model-driven ones see the same network in every mode.</summary>
public class NegativeStrategyTrainingTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in NegativeStrategies.Names) data.Add(n);
        return data;
    }

    static FFConfig Config(string negatives, int train = 200, int epochs = 1, int refresh = 1, int diagnostics = 0,
        IReadOnlyDictionary<string, double>? options = null, int headEpochs = 0)
    {
        var c = Mnist.Config(layers: [784, 32, 24], epochs: epochs, batch: 50, train: train);
        return c with
        {
            Train = c.Train with { Negatives = negatives, ModelViewRefresh = refresh, NegativeOptions = options },
            Eval = c.Eval with { DiagnosticSamples = diagnostics, HeadEpochs = headEpochs },
        };
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Every_strategy_trains_a_few_steps_through_the_pipeline(string name)
    {
        var config = Config(name, headEpochs: 1);
        using var data = Mnist.Load(config);
        var setup = NegativeSetup.Of(config);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var net = result.Network;
        Assert.True(result.Completed);
        using (var initial = new FFNetwork(config, TorchSharp.torch.CPU))
            Assert.False(Weights.Equal(initial, net), $"{name}: training did not move the weights");
        Assert.Equal(setup.SharedHalves, net.Layers[0].Layer.SharedHalves);
        foreach (var l in result.Metrics[0].Layers) Assert.True(double.IsFinite(l.Loss), $"{name}: layer {l.Layer} loss {l.Loss}");
        var eval = result.Evaluation!;
        // Label-free networks are judged by the linear probe alone, never by label goodness.
        Assert.Equal(setup.LabelFree, eval.ProbeOnly);
        Assert.Equal(setup.LabelFree, double.IsNaN(eval.GoodnessAccuracy));
        output.WriteLine($"{name}: {sw.ElapsedMilliseconds} ms; {(eval.ProbeOnly ? "probe" : $"goodness {eval.GoodnessAccuracy:P1}, head")} {eval.HeadAccuracy:P1}");
        // Four batches of FF leave 784-32-24 at chance under both readouts (measured: goodness 10.0 %, head 14.0 % for every
        // strategy, also with a 30-epoch head at 0.05), so a floor could only be a range. What can go wrong here is the
        // readout through the actors: it must give exactly what Core's evaluator gives on the gathered network.
        RuntimeSupport.OneThread();
        var core = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval, config.Run.Seed, setup.ProbeOnly);
        Assert.Equal(core.HeadAccuracy, eval.HeadAccuracy);
        Assert.Equal(core.GoodnessAccuracy, eval.GoodnessAccuracy);
    }

    [Theory]
    [InlineData("hard-label", 1)]
    [InlineData("hard-label", 3)]
    [InlineData("adversarial", 2)]
    [InlineData("hard-mining", 1)]
    [InlineData("learned-generator", 1)]
    [InlineData("learned-generator", 3)]
    public void Model_driven_strategies_end_with_the_same_weights_in_core_sequential_and_pipeline(string name, int refresh)
    {
        var options = name == "adversarial" ? new Dictionary<string, double> { ["steps"] = 2 } : null;
        var config = Config(name, train: 300, epochs: 2, refresh: refresh, diagnostics: 100, options: options);
        using var data = Mnist.Load(config);
        RuntimeSupport.OneThread();
        using var reference = new FFNetwork(config, TorchSharp.torch.CPU);
        var refMetrics = new FFTrainer(config).Train(reference, data);

        var seq = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Sequential, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var seqNet = seq.Network;
        var pipe = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var pipeNet = pipe.Network;

        Weights.AssertSame(reference, seqNet, $"{name}/{refresh}: sequential vs FFTrainer");
        Weights.AssertSame(reference, pipeNet, $"{name}/{refresh}: pipeline vs FFTrainer");
        // The end-of-epoch diagnostics (measured on the coordinator's copy) equal Core's.
        for (int e = 0; e < refMetrics.Count; e++)
            for (int l = 0; l < reference.Layers.Count; l++)
            {
                var expected = refMetrics[e].Diagnostics![l];
                var actual = pipe.Metrics[e].Diagnostics![l];
                Assert.Equal(expected.Positive, actual.Positive);
                Assert.Equal(expected.Negative, actual.Negative);
                Assert.Equal(expected.Separation, actual.Separation);
                Assert.Equal(expected.DeadUnits, actual.DeadUnits);
                Assert.Equal(expected.SaturatedUnits, actual.SaturatedUnits);
            }
        output.WriteLine($"{name}/{refresh}: layer separations after epoch 2: {string.Join(", ", pipe.Metrics[^1].Diagnostics!.Select(d => d.Separation.ToString("P1")))}");
    }

    /// <summary>
    /// A model-driven run stopped mid-epoch and resumed ends with the weights of an uninterrupted one: a strategy that
    /// keeps state between batches (the learned generator's weights and Adam moments, hard mining's bank) carries it
    /// through the checkpoint, and with a model view refreshed every N batches the checkpoints and the stop fall on
    /// refresh points, where the resumed run refreshes its view as the uninterrupted one does.
    /// </summary>
    [Theory]
    [InlineData("learned-generator", 1)]
    [InlineData("hard-mining", 1)]
    [InlineData("hard-label", 3)]
    [InlineData("learned-generator", 3)]
    public void A_model_driven_run_resumes_to_the_weights_of_an_uninterrupted_run(string name, int refresh)
    {
        var options = name == "hard-mining" ? new Dictionary<string, double> { ["bank"] = 64 } : null;
        var config = Config(name, train: 600, epochs: 2, refresh: refresh, options: options);
        using var data = Mnist.Load(config);
        // 12 batches an epoch: stop in the second epoch with most of it to go.
        var latest = RuntimeSupport.StopAndResume(config, data, RuntimeSupport.Runtime(ExecutionMode.Pipeline, every: 2), stopAfter: 12 + 4,
            ExecutionMode.Sequential, $"{name}/{refresh}");
        int batch = int.Parse(latest[(latest.IndexOf("-b", StringComparison.Ordinal) + 2)..]);
        Assert.Equal(0, batch % refresh);
        output.WriteLine($"{name}/{refresh}: stopped at {latest}");
    }

    [Fact]
    public void A_model_driven_strategy_sees_the_network_it_is_refreshed_from()
    {
        // Not vacuous: with a view refreshed less often the negatives (hence the weights) differ.
        var options = new Dictionary<string, double> { ["steps"] = 2 };
        var every = Config("adversarial", train: 300, refresh: 1, options: options);
        var rarely = Config("adversarial", train: 300, refresh: 6, options: options);
        using var data = Mnist.Load(every);
        var a = PipelineRunner.Train(every, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var netA = a.Network;
        var b = PipelineRunner.Train(rarely, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var netB = b.Network;
        Assert.False(Weights.Equal(netA, netB));
    }

    [Theory]
    [InlineData("hinton-hybrid")]
    [InlineData("self-contrastive")]
    public void Linear_probe_through_the_actors_matches_core_evaluator(string name)
    {
        var config = Config(name, train: 400, headEpochs: 2);
        using var data = Mnist.Load(config);
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: true);
        using var net = result.Network;
        var actors = result.Evaluation!;
        RuntimeSupport.OneThread();
        var core = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval, config.Run.Seed, probeOnly: true);
        Assert.True(actors.ProbeOnly);
        Assert.Equal(core.HeadAccuracy, actors.HeadAccuracy);
        Assert.True(double.IsNaN(core.GoodnessAccuracy));
        output.WriteLine($"{name}: probe {actors.HeadAccuracy:P2}");
    }
}
