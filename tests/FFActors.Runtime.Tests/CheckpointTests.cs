using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

public class CheckpointTests(ITestOutputHelper output)
{
    [Fact]
    public void A_layer_checkpoint_round_trips_weights_optimizer_and_running_mean()
    {
        RuntimeSupport.OneThread();
        var config = Mnist.Config(layers: [30, 20, 10]);
        var options = FFNetwork.SpecsFor(config.Model, config.Train.OptimizerOrDefault)[1];
        using var a = options.Create(1, CPU);
        using var b = options.Create(2, CPU);
        using var gen = new Generator(5);
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            a.Step(randn([16, 20], generator: gen), randn([16, 20], generator: gen));
        }
        LayerCheckpoint.FromBytes(b, LayerCheckpoint.ToBytes(a));
        Assert.True(Tensors.Same(a.RunningMean, b.RunningMean));
        // Same future: one more identical step leaves identical weights (Adam moments and step count restored).
        using (var scope = NewDisposeScope())
        {
            var pos = randn([16, 20], generator: gen);
            var neg = randn([16, 20], generator: gen);
            a.Step(pos, neg);
            b.Step(pos, neg);
        }
        Assert.True(Tensors.Same(a.Layer.Weight, b.Layer.Weight));
        Assert.True(Tensors.Same(a.Layer.Bias, b.Layer.Bias));
        Assert.True(Tensors.Same(a.RunningMean, b.RunningMean));
    }

    public static TheoryData<ExecutionMode, ExecutionMode, string> ResumeCases => new()
    {
        { ExecutionMode.Pipeline, ExecutionMode.Pipeline, "off" },
        { ExecutionMode.Pipeline, ExecutionMode.Sequential, "stale" },
        { ExecutionMode.Sequential, ExecutionMode.Pipeline, "exact" },
        { ExecutionMode.Pipeline, ExecutionMode.Pipeline, "augmented" },
    };

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void A_stopped_run_resumed_from_its_checkpoint_ends_with_the_weights_of_an_uninterrupted_run(
        ExecutionMode first, ExecutionMode second, string collaboration)
    {
        var collab = collaboration switch
        {
            "stale" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Stale),
            "exact" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Exact),
            _ => null,
        };
        var config = Mnist.Config(epochs: 3, batch: 50, train: 600, validation: 100, validate: true, collab: collab,
            augment: collaboration == "augmented" ? new AugmentOptions(Shift: 2) : null);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(first, every: 5);

        var whole = PipelineRunner.Train(config, runtime, data, TempFolder.New(), false, null, CancellationToken.None);
        using var wholeNet = whole.Network;

        var dir = TempFolder.New();
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { AfterBatch = n => { if (n == 12 + 7) cancel.Cancel(); } };
        var stopped = PipelineRunner.Train(config, runtime, data, dir, false, observer, cancel.Token);
        stopped.Network.Dispose();
        Assert.False(stopped.Completed);
        Assert.Single(stopped.Metrics);
        Assert.Contains(stopped.Log, l => l.Contains("stop requested"));
        var latest = File.ReadAllText(Path.Combine(dir, "checkpoints", "latest")).Trim();
        Assert.StartsWith("e0001-b0000", latest);
        foreach (var f in new[] { "layer0.bin", "layer1.bin", "layer2.bin", "coordinator.bin" })
            Assert.True(File.Exists(Path.Combine(dir, "checkpoints", latest, f)), f);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "checkpoints"), "*.tmp", SearchOption.AllDirectories));
        output.WriteLine($"stopped at {latest} after {observer.BatchSamples.Count} batches reported");

        var resumed = PipelineRunner.Train(config, runtime with { Mode = second }, data, dir, true, null, CancellationToken.None);
        using var resumedNet = resumed.Network;
        Assert.True(resumed.Completed);
        Assert.Contains(resumed.Log, l => l.Contains("resumed from checkpoint " + latest));
        Weights.AssertSame(wholeNet, resumedNet, "resumed vs uninterrupted");
        Assert.Equal(3, resumed.Metrics.Count);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(whole.Metrics[e].ValidationAccuracy, resumed.Metrics[e].ValidationAccuracy);
            Assert.Equal(whole.Metrics[e].Layers[1].Loss, resumed.Metrics[e].Layers[1].Loss, 12);
        }
    }

    [Fact]
    public void Resuming_a_finished_run_returns_its_network_without_training()
    {
        var config = Mnist.Config(epochs: 1, train: 200);
        using var data = Mnist.Load(config);
        var dir = TempFolder.New();
        var first = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, dir, false, null, CancellationToken.None);
        using var a = first.Network;
        var again = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, dir, true, null, CancellationToken.None);
        using var b = again.Network;
        Assert.True(again.Completed);
        Assert.Single(again.Metrics);
        Weights.AssertSame(a, b, "reloaded");
    }

    [Fact]
    public void Resuming_with_a_different_model_is_refused()
    {
        var config = Mnist.Config(epochs: 1, train: 200);
        using var data = Mnist.Load(config);
        var dir = TempFolder.New();
        PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, dir, false, null, CancellationToken.None).Network.Dispose();
        var other = config with { Model = config.Model with { Layers = [784, 64, 48] } };
        var e = Assert.Throws<ArgumentException>(() =>
            PipelineRunner.Train(other, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, dir, true, null, CancellationToken.None));
        Assert.Contains("different configuration", e.Message);
        Assert.DoesNotContain("\n", e.Message); // one line for the CLI
    }

    [Fact]
    public void The_fingerprint_tells_every_model_kind_and_remedy_apart()
    {
        var c = Mnist.Config();
        var variants = new[]
        {
            c,
            c with { Model = c.Model with { LayerKind = new HffKind(new HffOptions()) } },
            c with { Model = c.Model with { LayerKind = new HffKind(new HffOptions(Scale: 5)) } },
            c with { Model = c.Model with { LayerKind = new DistanceKind(new DistanceOptions()) } },
            c with { Model = c.Model with { LayerKind = new DistanceKind(new DistanceOptions(Margin: 2)) } },
            c with { Model = c.Model with { LayerKind = new CwcKind(new CwcOptions([1, 28, 28], [20, 80])) } },
            c with { Model = c.Model with { LayerKind = new DendriticKind() } },
            c with { Model = c.Model with { LayerKind = new DendriticKind(BasalLabel: true) } },
            c with { Model = c.Model with { LayerKind = new ProspectiveKind(new ProspectiveOptions()) } },
            c with { Model = c.Model with { LayerKind = new ProspectiveKind(new ProspectiveOptions(ProspectiveFormulation.Seed)) } },
            c with { Train = c.Train with { Collaboration = new CollaborationOptions(0.5) } },
            c with { Train = c.Train with { Collaboration = new CollaborationOptions(0.5, Remedy: CollaborationRemedy.PerBlock) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Shift: 2) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Shift: 2, Flip: true) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Shift: 1) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Shift: 2, Rotate: 10) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Shift: 2, Rotate: 10, Scale: 0.1) } },
            c with { Data = c.Data with { Augment = new AugmentOptions(Scale: 0.1) } },
            c with { Model = c.Model with { LayerKind = new MonoForwardKind(new MonoForwardOptions()) } },
        };
        var prints = variants.Select(v => RunFingerprint.Of(v, 100)).ToList();
        // Augmentation off (the default) prints as before it existed, so older checkpoints still resume.
        Assert.Equal(prints[0], RunFingerprint.Of(c with { Data = c.Data with { Augment = new AugmentOptions() } }, 100));
        // So does augmentation without rotation or zoom (written before those existed).
        Assert.EndsWith(";augment=shift2,flipFalse", prints[12]);
        Assert.Equal(prints.Count, prints.Distinct().Count());
        // Checkpoints written before remedies existed carry the record's old text.
        Assert.Contains("collab=CollaborationOptions { Scale = 0.5, Mode = All, Exchange = Exact, Enabled = True };", prints[10]);
    }
}
