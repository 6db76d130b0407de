using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Negatives;

/// <summary>How the trainers wire negative strategies: label-free positives, SCFF's shared halves, the model view, the probe.</summary>
public class LabelFreeTrainingTests(ITestOutputHelper log)
{
    static FFConfig Config(string negatives, int[] layers, int epochs = 1, Schedule schedule = Schedule.Simultaneous,
        IReadOnlyDictionary<string, double>? options = null, EvalReadout readout = EvalReadout.Auto, int headEpochs = 5, int train = 300, int test = 200) =>
        new(new RunOptions(Seed: 3),
            new DataOptions(Dir: RepoPaths.Data, TrainLimit: train, TestLimit: test),
            new ModelOptions(layers, InputNorm.Rms, GoodnessKind.Sum, Threshold: null, PeerNorm: 0.03),
            new TrainOptions(schedule, epochs, 50, negatives, new OptimizerOptions(LearningRate: 0.003), NegativeOptions: options),
            new EvalOptions(HeadEpochs: headEpochs, BatchSize: 100, Readout: readout));

    public static TheoryData<string, string?> LabelFreeStrategies() => new()
    {
        { "hinton-hybrid", null }, { "self-contrastive", null }, { "gaussian-noise", "label-free" }, { "gaussian-noise-matched", "label-free" },
        { "hybrid-mix", "label-free" }, { "masked", "label-free" },
    };

    [Theory]
    [MemberData(nameof(LabelFreeStrategies))]
    public void Label_free_positives_carry_no_label(string name, string? flag)
    {
        using var data = Mnist.Load(trainLimit: 100, testLimit: 10);
        var overlay = new LabelOverlay();
        var options = flag is null ? new Dictionary<string, double>() : new Dictionary<string, double> { [flag] = 1 };
        var strategy = NegativeStrategies.Create(name, overlay, options);
        Assert.True(strategy.LabelFree);
        using var gen = new Generator(5);
        var builder = new BatchBuilder(overlay, strategy, gen);
        using var scope = NewDisposeScope();
        var x = data.Train.All();
        var y = data.Train.Labels;
        var (pos, neg) = builder.Build(x, y);
        var (posShifted, _) = builder.Build(x, y.add(KeptScalars.Of(1), KeptScalars.One).remainder(KeptScalars.Of(10)));
        // The positives do not depend on the labels at all, and every label slot holds the neutral value.
        Assert.True(Tensors.Same(pos, posShifted));
        int width = (int)x.shape[1];
        for (long start = 0; start < pos.shape[1]; start += width)
            Assert.True(pos.narrow(1, start, overlay.Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
        Assert.True(neg.narrow(1, 0, overlay.Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
        Assert.Equal(strategy.InputWidth(width), pos.shape[1]);
        (strategy as IDisposable)?.Dispose();
    }

    [Fact]
    public void Labelled_positives_carry_their_true_label()
    {
        using var data = Mnist.Load(trainLimit: 50, testLimit: 10);
        var overlay = new LabelOverlay();
        using var gen = new Generator(5);
        var builder = new BatchBuilder(overlay, NegativeStrategies.Create("wrong-label", overlay), gen);
        using var scope = NewDisposeScope();
        var (pos, _) = builder.Build(data.Train.All(), data.Train.Labels);
        Assert.True(Tensors.Same(pos.narrow(1, 0, 10).argmax(1), data.Train.Labels));
    }

    [Fact]
    public void Shared_halves_layer_is_a_double_width_layer_with_one_weight_matrix_for_both_halves()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(1);
        using var shared = new FFDenseLayer(6, 4, InputNorm.Rms, init, sharedHalves: true);
        using var init2 = new Generator(2);
        using var plain = new FFDenseLayer(12, 4, InputNorm.Rms, init2);
        using (no_grad())
        {
            plain.Weight.copy_(cat([shared.Weight, shared.Weight], 1));
            plain.Bias.copy_(shared.Bias);
        }
        using var data = new Generator(3);
        var a = randn([5, 6], generator: data);
        var b = randn([5, 6], generator: data);
        var pair = cat([a, b], 1);
        Assert.True(shared.forward(pair).allclose(plain.forward(pair), rtol: 1e-5, atol: 1e-6));
        // One image is read as the positive pair [x ‖ x].
        Assert.True(Tensors.Same(shared.forward(a), shared.forward(cat([a, a], 1))));
        Assert.Throws<ArgumentException>(() => shared.forward(randn([5, 7])));
        Assert.Equal(6, shared.Weight.shape[1]);
    }

    [Fact]
    public void Model_replica_reads_the_network_only_when_refreshed()
    {
        using var data = Mnist.Load(trainLimit: 100, testLimit: 10);
        using var net = new FFNetwork(new ModelOptions([784, 20, 16]), new OptimizerOptions(LearningRate: 0.05), 1, CPU);
        using var replica = new ModelReplica(net.Layers.Select(l => l.Spec).ToArray(), [1], CPU);
        var live = new NetworkView(net, [1]);
        using var scope = NewDisposeScope();
        var x = new LabelOverlay().Apply(data.Train.All(), data.Train.Labels);
        replica.LoadFrom(net);
        using (no_grad()) Assert.True(Tensors.Same(live.Goodness(x), replica.Goodness(x)));
        var before = replica.Goodness(x).detach();
        var (pos, neg) = (x, x.flip(0));
        foreach (var l in net.Layers) (pos, neg) = l.Step(pos, neg).Output;
        using (no_grad())
        {
            Assert.True(Tensors.Same(before, replica.Goodness(x)));
            Assert.False(Tensors.Same(live.Goodness(x), replica.Goodness(x)));
            replica.LoadFrom(net);
            Assert.True(Tensors.Same(live.Goodness(x), replica.Goodness(x)));
        }
    }

    [Fact]
    public void Setup_rejects_combinations_that_make_no_sense()
    {
        var e = Assert.Throws<ArgumentException>(() => NegativeSetup.Of(Config("hinton-hybrid", [784, 10], readout: EvalReadout.Label)));
        Assert.StartsWith("eval.readout = label", e.Message);
        e = Assert.Throws<ArgumentException>(() => NegativeSetup.Of(Config("self-contrastive", [784, 10], headEpochs: 0)));
        Assert.StartsWith("eval.head.epochs = 0", e.Message);
        var scff = Config("self-contrastive", [1568, 10]);
        e = Assert.Throws<ArgumentException>(() => NegativeSetup.Of(scff).CheckInput(scff, 784));
        Assert.Contains("do not double it", e.Message);
        var setup = NegativeSetup.Of(Config("self-contrastive", [784, 10]));
        Assert.True(setup is { LabelFree: true, SharedHalves: true, ProbeOnly: true, NeedsModel: false });
        Assert.True(NegativeSetup.Of(Config("hard-label", [784, 10])) is { LabelFree: false, NeedsModel: true, ProbeOnly: false });
        Assert.True(NegativeSetup.Of(Config("wrong-label", [784, 10], readout: EvalReadout.Probe)).ProbeOnly);
    }

    [Theory]
    [InlineData("hard-label", Schedule.Greedy)]
    [InlineData("adversarial", Schedule.Greedy)]
    [InlineData("self-contrastive", Schedule.Greedy)]
    [InlineData("hard-mining", Schedule.Simultaneous)]
    [InlineData("learned-generator", Schedule.Greedy)]
    public void Model_driven_and_label_free_strategies_train_in_core_schedules(string name, Schedule schedule)
    {
        var config = Config(name, [784, 24, 16], schedule: schedule, options: name == "adversarial" ? new Dictionary<string, double> { ["steps"] = 1 } : null,
            headEpochs: 1, train: 200, test: 100);
        using var data = DatasetLoader.Load(config.Data, CPU);
        using var net = new FFNetwork(config, CPU);
        using var initial = new FFNetwork(config, CPU);
        var metrics = new FFTrainer(config).Train(net, data);
        Assert.All(metrics.SelectMany(m => m.Layers), l => Assert.True(double.IsFinite(l.Loss)));
        Assert.False(net.Layers[0].Layer.Weight.allclose(initial.Layers[0].Layer.Weight));
        var setup = NegativeSetup.Of(config);
        var result = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(), config.Eval, config.Run.Seed, setup.ProbeOnly);
        Assert.Equal(setup.ProbeOnly, double.IsNaN(result.GoodnessAccuracy));
    }

    /// <summary>
    /// Hinton's unsupervised FF (hinton-hybrid negatives) on 2000 real MNIST digits, 2 epochs, judged only by the linear
    /// probe (30 head epochs, layers 0 and 1) on 1000 test digits, against the same probe on the same seed's untrained
    /// network (random features). At budgets a test can afford, label-free features do not beat random ones: measured
    /// here 82.8 % against 85.3 %; 10 epochs 84.7 % against 85.3 %; 10 000 digits × 3 epochs 87.8 % against 89.9 %, and
    /// with 500-wide layers 92.3 % against 92.0 %; at lr 0.01 training collapses (15.6 %). So the test claims what holds:
    /// training separates hybrid negatives from images far better than the untrained layer does, and the features keep
    /// the image's information (within 5 points of random features, far above chance), which a broken label-free path
    /// (features that ignore the image, a probe that never sees the labels) does not.
    /// </summary>
    [Fact]
    public void Hinton_unsupervised_training_separates_hybrids_and_keeps_what_random_features_know()
    {
        var config = Config("hinton-hybrid", [784, 200, 200], epochs: 2, headEpochs: 30, train: 2000, test: 1000);
        using var data = DatasetLoader.Load(config.Data, CPU);
        using var untrained = new FFNetwork(config, CPU);
        using var net = new FFNetwork(config, CPU);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        new FFTrainer(config).Train(net, data);
        var eval = config.Eval with { HeadLayers = [0, 1] };
        var result = Evaluator.Evaluate(net, data.Train, data.Test, new LabelOverlay(), eval, config.Run.Seed, probeOnly: true);
        var random = Evaluator.Evaluate(untrained, data.Train, data.Test, new LabelOverlay(), eval, config.Run.Seed, probeOnly: true);
        Assert.True(result.ProbeOnly);
        Assert.True(double.IsNaN(result.GoodnessAccuracy));

        // Layer 0's separation of one batch of images from their hybrids (the step's statistics come before its update).
        double Separation(FFNetwork n)
        {
            var overlay = new LabelOverlay();
            using var gen = new Generator(13);
            using var scope = NewDisposeScope();
            var (pos, neg) = new BatchBuilder(overlay, NegativeStrategies.Create("hinton-hybrid", overlay), gen)
                .Build(data.Train.Rows(0, 500), data.Train.Labels.narrow(0, 0, 500));
            return n.Layers[0].Step(pos, neg).Stats.Separation;
        }
        double separation0 = Separation(untrained), separation = Separation(net);
        log.WriteLine($"hinton-hybrid 784-200-200, 2 epochs on 2000: probe {result.HeadAccuracy:P2} (random features {random.HeadAccuracy:P2}) " +
            $"on 1000 test digits; layer-0 separation {separation0:P1} untrained → {separation:P1}; {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(separation > separation0 + 0.2, $"layer 0 separation {separation:P1}, untrained {separation0:P1}");
        Assert.True(result.HeadAccuracy > random.HeadAccuracy - 0.05, $"probe {result.HeadAccuracy:P2}, random features {random.HeadAccuracy:P2}");
        Assert.True(result.HeadAccuracy > Chance.Bound(10, 1000), $"probe {result.HeadAccuracy:P2}");
    }
}
