using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests;

public class TrainingTests(ITestOutputHelper log)
{
    [Fact]
    public void Constant_schedule_keeps_the_learning_rate()
    {
        var o = new OptimizerOptions(LearningRate: 0.01);
        for (int e = 0; e < 10; e++) Assert.Equal(0.01, o.LearningRateAt(e, 10));
        Assert.Equal(0.01, o.LearningRateAt(0, 1));
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(4, 0.01)]
    [InlineData(5, 0.01)]   // progress 0.5 = DecayStart: (1 − 0.5) / 0.5 = 1
    [InlineData(6, 0.008)]  // (1 − 0.6) / 0.5 = 0.8
    [InlineData(8, 0.004)]
    [InlineData(9, 0.002)]
    public void Linear_schedule_is_constant_then_decays_linearly(int epoch, double expected)
    {
        var o = new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear, DecayStart: 0.5);
        Assert.Equal(expected, o.LearningRateAt(epoch, 10), 12);
    }

    [Fact]
    public void Linear_schedule_edge_cases()
    {
        var fromStart = new OptimizerOptions(LearningRate: 0.1, Schedule: LrSchedule.Linear, DecayStart: 0);
        Assert.Equal(0.1, fromStart.LearningRateAt(0, 4), 12);
        Assert.Equal(0.075, fromStart.LearningRateAt(1, 4), 12);
        Assert.Equal(0.025, fromStart.LearningRateAt(3, 4), 12);
        Assert.Equal(0.1, fromStart.LearningRateAt(0, 1), 12); // a single epoch never decays
    }

    [Fact]
    public void SetEpoch_applies_the_schedule_to_the_optimizer()
    {
        var options = FFNetwork.SpecsFor(new ModelOptions([12, 6]),
            new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear, DecayStart: 0.5))[0];
        using var layer = options.Create(1, CPU);
        Assert.Equal(0.01, layer.LearningRate, 12);
        layer.SetEpoch(8, 10);
        Assert.Equal(0.004, layer.LearningRate, 12);
    }

    [Fact]
    public void Linear_schedule_runs_over_the_layers_ilt_window()
    {
        // Window [2, 6) of 10 epochs: frozen (0) before it, constant for epochs 2-3, then 1, 0.5 of the rate, frozen after.
        var o = new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear, DecayStart: 0.5);
        var w = new EpochWindow(2, 6);
        double[] expected = [0, 0, 0.01, 0.01, 0.01, 0.005, 0, 0];
        for (int e = 0; e < expected.Length; e++) Assert.Equal(expected[e], o.LearningRateAt(e, 10, w), 12);
        var options = FFNetwork.SpecsFor(new ModelOptions([12, 6]), o, [w])[0];
        using var layer = options.Create(1, CPU);
        layer.SetEpoch(5, 10);
        Assert.Equal(0.005, layer.LearningRate, 12);
        var constant = o with { Schedule = LrSchedule.Constant };
        Assert.Equal([0, 0.01, 0], new[] { 1, 2, 6 }.Select(e => constant.LearningRateAt(e, 10, w)));
        Assert.Equal(0.01, constant.LearningRateAt(0, 1, new EpochWindow(0, 1)));
    }

    [Fact]
    public void Layer_options_take_threshold_from_width_when_unset()
    {
        var opts = FFNetwork.SpecsFor(new ModelOptions([784, 500, 200], Goodness: GoodnessKind.Sum, Threshold: null), new OptimizerOptions()).Cast<DenseSpec>().ToArray();
        Assert.Equal(2, opts.Length);
        Assert.Equal((784, 500, 500.0), (opts[0].InputSize, opts[0].OutputSize, opts[0].Objective.Threshold));
        Assert.Equal((500, 200, 200.0), (opts[1].InputSize, opts[1].OutputSize, opts[1].Objective.Threshold));
        Assert.Throws<ArgumentException>(() => FFNetwork.SpecsFor(new ModelOptions([784]), new OptimizerOptions()));
    }

    /// <summary>The kinds that wrap dense layers refuse SCFF's shared-halves first layer, naming themselves.</summary>
    [Theory]
    [InlineData("pff")]
    [InlineData("pcl")]
    [InlineData("three-factor")]
    public void Kinds_built_on_dense_layers_refuse_the_shared_halves_first_layer(string kind)
    {
        ILayerKind layerKind = kind switch
        {
            "pff" => new PffKind(new PffOptions()),
            "pcl" => new PclKind(new PclOptions()),
            _ => new ThreeFactorKind(new ThreeFactorOptions()),
        };
        var model = new ModelOptions([784, 20, 20], PeerNorm: 0, LayerKind: layerKind);
        var e = Assert.Throws<ArgumentException>(() => FFNetwork.SpecsFor(model, new NetworkContext(new OptimizerOptions(), SharedHalves: true)));
        Assert.Equal($"model.kind = {kind}: SCFF's shared-halves first layer is a dense layer; use model.kind = dense", e.Message);
    }

    /// <summary>The centred input norm reads a row less its mean at unit RMS; the others keep the row's signs.</summary>
    [Fact]
    public void Centred_input_norm_removes_the_row_mean_and_scales_to_unit_rms()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(4);
        var x = rand([6, 50], generator: gen).mul(KeptScalars.Of(3.0)).add(KeptScalars.One, KeptScalars.One); // all positive, like a ReLU layer's output
        var centred = FFDenseLayer.Normalize(x, InputNorm.Centred);
        Assert.True(centred.mean([1]).abs().max().item<float>() < 1e-5);
        Assert.True(centred.Squared().mean([1]).add(KeptScalars.Of(-1.0), KeptScalars.One).abs().max().item<float>() < 1e-4);
        Assert.True(centred.lt(KeptScalars.Of(0.0)).any().item<bool>(), "a centred row has inputs of both signs");
        var expected = x.add(x.mean([1], keepdim: true), KeptScalars.Of(-1.0));
        expected = expected.div(expected.Squared().mean([1], keepdim: true).sqrt());
        Assert.True(centred.allclose(expected, rtol: 1e-4, atol: 1e-5));
        Assert.False(FFDenseLayer.Normalize(x, InputNorm.Rms).lt(KeptScalars.Of(0.0)).any().item<bool>());
    }

    /// <summary>
    /// A readout removes the length of the activities as the next layer does, but reads a centred layer RMS-normalised
    /// without the mean: its zeros stay zeros (the head's feature store keeps only the non-zero entries), and a layer
    /// without a norm is read L2-normalised.
    /// </summary>
    [Fact]
    public void A_readout_keeps_the_zeros_of_the_activities_for_every_input_norm()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(5);
        var h = randn([8, 40], generator: gen).relu_(); // ReLU activities: about half zeros
        foreach (var norm in Enum.GetValues<InputNorm>())
        {
            var read = FFDenseLayer.Readout(h, norm);
            Assert.True(read.eq(KeptScalars.Of(0.0)).Equals(h.eq(KeptScalars.Of(0.0))), $"{norm}: the zeros of h and only those");
        }
        Assert.True(FFDenseLayer.Readout(h, InputNorm.Centred).Equals(FFDenseLayer.Normalize(h, InputNorm.Rms)));
        Assert.True(FFDenseLayer.Readout(h, InputNorm.None).Equals(FFDenseLayer.Normalize(h, InputNorm.L2)));
        Assert.True(FFDenseLayer.Readout(h, InputNorm.L2).Equals(FFDenseLayer.Normalize(h, InputNorm.L2)));
    }

    [Fact]
    public void Step_returns_the_output_computed_before_the_update()
    {
        using var scope = NewDisposeScope();
        var options = FFNetwork.SpecsFor(new ModelOptions([30, 16], PeerNorm: 0.03), new OptimizerOptions(LearningRate: 0.05))[0];
        using var layer = options.Create(3, CPU);
        using var gen = new Generator(1);
        var pos = rand([8, 30], generator: gen);
        var neg = rand([8, 30], generator: gen);
        var before = layer.Forward(pos);
        var weightBefore = layer.Layer.Weight.detach().clone();

        var (output, stats) = layer.Step(pos, neg);
        Assert.True(Same(output.Positive, before), "Step must return the pre-update activities");
        Assert.False(output.Positive.requires_grad);
        Assert.False(Same(layer.Layer.Weight, weightBefore), "Step must update the weights");
        Assert.False(Same(layer.Forward(pos), before));
        Assert.True(stats.Loss > 0);
        Assert.InRange(stats.Separation, 0, 1);
        Assert.InRange(stats.DeadUnits, 0, 1);
        Assert.Equal(layer.Score(before).mean().item<float>(), stats.GoodPos, 5);
    }

    /// <summary>Hinton-style two-layer model, 2 epochs on all of MNIST: both readouts must beat 90 %.</summary>
    [Fact]
    public void Short_mnist_run_beats_ninety_percent()
    {
        var config = new FFConfig(
            new RunOptions(Seed: 1),
            new DataOptions(),
            new ModelOptions([784, 500, 500], InputNorm.Rms, GoodnessKind.Sum, Threshold: null, LossKind.Softplus, PeerNorm: 0.03),
            new TrainOptions(Schedule.Simultaneous, Epochs: 2, BatchSize: 100, Optimizer: new OptimizerOptions(OptimizerKind.Adam, 0.001)),
            new EvalOptions(HeadEpochs: 2, ValidateEachEpoch: false));
        using var data = Mnist.Load();
        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        using var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, CPU);
        var trainer = new FFTrainer(config);

        var metrics = trainer.Train(net, data);
        Assert.Equal(2, metrics.Count);
        // Layer statistics: positives end up above negatives in both layers.
        Assert.All(metrics[^1].Layers, l => Assert.True(l.GoodPos > l.GoodNeg, $"layer {l.Layer}: g+ {l.GoodPos} ≤ g- {l.GoodNeg}"));

        var result = Evaluator.Evaluate(net, data.Train, data.Test, trainer.Overlay, config.Eval, config.Run.Seed);
        log.WriteLine($"train {metrics.Sum(m => m.Seconds):F1} s, eval {result.Seconds:F1} s: goodness {result.GoodnessAccuracy:P2}, head {result.HeadAccuracy:P2}");
        Assert.Equal(new[] { 1 }, result.ScoreLayers);
        Assert.True(result.GoodnessAccuracy > 0.90, $"goodness accuracy {result.GoodnessAccuracy:P2}");
        Assert.True(result.HeadAccuracy > 0.90, $"head accuracy {result.HeadAccuracy:P2}");
    }

    /// <summary>Live tensors created on this thread and not yet disposed.</summary>
    static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    static IFFLayer SmallLayer(double peerNorm) =>
        FFNetwork.SpecsFor(new ModelOptions([50, 32], PeerNorm: peerNorm), new OptimizerOptions())[0].Create(5, CPU);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.03)]
    public void Step_inside_a_dispose_scope_leaks_no_tensors(double peerNorm)
    {
        using var layer = SmallLayer(peerNorm);
        using var gen = new Generator(2);
        using var pos = rand([16, 50], generator: gen);
        using var neg = rand([16, 50], generator: gen);
        void Steps(int n)
        {
            for (int i = 0; i < n; i++)
                using (NewDisposeScope())
                    layer.Step(pos, neg);
        }

        Steps(3); // the optimizer creates its state on the first steps
        long before = Live;
        Steps(25);
        Assert.Equal(before, Live);
    }

    [Fact]
    public void Live_tensor_counter_detects_a_leak()
    {
        // The instrument the leak test relies on: a tensor kept out of the scope each step shows up.
        using var layer = SmallLayer(0);
        using var gen = new Generator(2);
        using var pos = rand([16, 50], generator: gen);
        using var neg = rand([16, 50], generator: gen);
        using (NewDisposeScope()) layer.Step(pos, neg);
        long before = Live;
        var kept = new List<Tensor>();
        for (int i = 0; i < 5; i++)
            using (NewDisposeScope())
                kept.Add(layer.Step(pos, neg).Output.Positive.DetachFromDisposeScope());
        Assert.Equal(before + 5, Live);
        foreach (var t in kept) t.Dispose();
        Assert.Equal(before, Live);
    }

    [Fact]
    public void Whole_training_epoch_leaks_no_tensors()
    {
        using var data = Mnist.Load(trainLimit: 1000, testLimit: 100, validation: 200);
        var config = new FFConfig(new RunOptions(), new DataOptions(), new ModelOptions([784, 40, 40]),
            new TrainOptions(Epochs: 1, BatchSize: 100), new EvalOptions(BatchSize: 50));
        foreach (var schedule in new[] { Schedule.Simultaneous, Schedule.Greedy })
        {
            var c = config with { Train = config.Train with { Schedule = schedule } };
            using var net = new FFNetwork(c.Model, c.Train.OptimizerOrDefault, 1, CPU);
            var trainer = new FFTrainer(c);
            trainer.Train(net, data); // creates the optimizers' state
            long before = Live;
            var metrics = trainer.Train(net, data);
            Assert.NotNull(metrics[^1].ValidationAccuracy);
            Assert.Equal(before, Live);
        }
    }

    sealed class StopAfter(int batches, CancellationTokenSource stop) : ITrainingObserver
    {
        public int Seen;
        public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats)
        {
            if (++Seen == batches) stop.Cancel();
        }
    }

    [Fact]
    public void A_stop_request_ends_training_before_the_next_batch_in_both_schedules()
    {
        using var data = Mnist.Load(trainLimit: 1000, testLimit: 100);
        var config = new FFConfig(new RunOptions(), new DataOptions(), new ModelOptions([784, 40, 40]),
            new TrainOptions(Epochs: 2, BatchSize: 100), new EvalOptions(BatchSize: 50));
        foreach (var schedule in new[] { Schedule.Simultaneous, Schedule.Greedy })
        {
            var c = config with { Train = config.Train with { Schedule = schedule } };
            using var net = new FFNetwork(c.Model, c.Train.OptimizerOrDefault, 1, CPU);
            using var stop = new CancellationTokenSource();
            var observer = new StopAfter(13, stop);
            var trainer = new FFTrainer(c, observer);
            var metrics = trainer.Train(net, data, stop.Token);
            Assert.True(trainer.Stopped, $"{schedule}");
            Assert.Equal(13, observer.Seen);
            Assert.Single(metrics); // the first epoch (10 batches) finished, the second did not

            var whole = new FFTrainer(c);
            Assert.Equal(schedule == Schedule.Greedy ? 4 : 2, whole.Train(net, data).Count);
            Assert.False(whole.Stopped);
        }
    }
}
