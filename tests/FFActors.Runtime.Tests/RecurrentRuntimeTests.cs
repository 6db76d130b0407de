using System.Collections.Concurrent;
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
        // The sample's objective (RMS input norm, mean goodness against θ = 0.3, Adam 0.003), so the accuracies compared are
        // those of a network that learns.
        var c = Mnist.Config(layers: [784, 64, 48, 32], epochs: epochs, batch: 50, train: train, validation: validation, validate: validation > 0, peerNorm: 0);
        return c with
        {
            Model = c.Model with
            {
                InputNorm = InputNorm.Rms,
                Threshold = 0.3,
                LayerKind = new RecurrentKind(new RecurrentOptions(Iterations: iterations, ScoreFrom: 2, ScoreTo: 3, TopDown: topDown)),
            },
            Train = c.Train with { Optimizer = new OptimizerOptions(LearningRate: 0.003, Schedule: LrSchedule.Constant) },
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
        var (reference, _, pipe) = RuntimeSupport.TrainEveryWay(config, data, $"W={window}", output, window);
        using var _ = reference;
        using var pipeNet = pipe.Network;
    }

    [Fact]
    public void Every_iteration_reaches_the_right_layer_for_the_right_batch_and_iteration()
    {
        // W = 1, 3 layers, 4 iterations, 2 epochs of 4 batches, with per-epoch validation (scoring passes iterate too).
        var config = Config(train: 200, validation: 100);
        using var data = Mnist.Load(config);
        var traces = new ConcurrentQueue<IterationTrace>();
        var hooks = new RuntimeHooks { OnIteration = traces.Enqueue };
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, 1, checkpoints: false), data, null, false,
            null, CancellationToken.None, hooks);
        result.Network.Dispose();
        Assert.True(result.Completed);
        int layers = 3, iterations = 4, classes = 10;
        foreach (var layer in traces.GroupBy(t => t.Layer))
        {
            // In each layer's own order: work items one after the other, each with its iterations 0..T in order.
            var mine = layer.ToList();
            Assert.Equal(0, mine.Count % (iterations + 1));
            for (int i = 0; i < mine.Count; i += iterations + 1)
            {
                var item = mine.GetRange(i, iterations + 1);
                Assert.All(item, t => Assert.Equal((item[0].Generation, item[0].Epoch, item[0].Batch, item[0].Pass), (t.Generation, t.Epoch, t.Batch, t.Pass)));
                for (int it = 0; it <= iterations; it++)
                {
                    var t = item[it];
                    int l = layer.Key;
                    Assert.Equal(it, t.Iteration);
                    // From below: the batch itself (layer 0, from the coordinator) or the layer below's state at t − 1 (at
                    // iteration 0, its bottom-up pass); from above: the layer above's state at t − 1, nothing for the top
                    // layer (it hears the label) and nothing in the bottom-up pass. Always of the same batch.
                    Assert.Equal(l - 1, t.BelowLayer);
                    Assert.Equal(l == 0 ? 0 : Math.Max(0, it - 1), t.BelowIteration);
                    Assert.Equal(t.Batch, t.BelowBatch);
                    bool hears = it > 0 && l < layers - 1;
                    Assert.Equal(hears ? (l + 1, it - 1, t.Batch) : (-1, -1, -1), (t.AboveLayer, t.AboveIteration, t.AboveBatch));
                }
            }
            // Training batches in order within each epoch, and every label of every validation batch scored.
            var items = mine.Where(t => t.Iteration == 0).ToList();
            var training = items.Where(t => t.Pass == -2).ToList();
            Assert.Equal(Enumerable.Range(0, 2).SelectMany(e => Enumerable.Range(0, 4).Select(b => (e, b))), training.Select(t => (t.Epoch, t.Batch)));
            var scored = items.Where(t => t.Pass >= 0).ToList();
            Assert.Equal(2 * 2 * classes, scored.Count);
        }
        Assert.Equal(layers, traces.Select(t => t.Layer).Distinct().Count());
    }

    [Theory]
    [InlineData(ExecutionMode.Pipeline)]
    [InlineData(ExecutionMode.Sequential)]
    public void Live_tensor_count_is_flat_across_epochs_and_returns_to_baseline(ExecutionMode mode)
    {
        var config = Config(epochs: 3, train: 200, validation: 100);
        using var data = Mnist.Load(config);
        long residue = Residue(config);
        long baseline = RuntimeSupport.LiveTensorsAfterGc();
        var observer = new RecordingObserver { CollectAtEpochEnd = true };
        TrainAndDispose(() => PipelineRunner.Train(config, RuntimeSupport.Runtime(mode, 1, every: 2), data, null, false, observer, CancellationToken.None));
        output.WriteLine($"live tensors at epoch ends: {string.Join(", ", observer.LiveTensorsAtEpochEnd)} (baseline {baseline})");
        Assert.Equal(3, observer.LiveTensorsAtEpochEnd.Count);
        Assert.All(observer.LiveTensorsAtEpochEnd.Skip(1), c => Assert.Equal(observer.LiveTensorsAtEpochEnd[0], c));
        // Each layer is built twice (the actor's, and the coordinator's copy from its checkpoint bytes); see LifecycleTests.
        Assert.Equal(baseline + 2 * residue, RuntimeSupport.LiveTensorsAfterGc());
    }

    [Theory]
    [InlineData(FaultKind.Throw)]
    [InlineData(FaultKind.NaN)]
    public void A_layer_that_fails_mid_iterations_is_restored_and_the_run_ends_with_the_uninterrupted_weights(FaultKind kind)
    {
        // The middle layer fails while its neighbours wait for its states: every layer is restored from the last
        // checkpoint, the old generation's states and credits are dropped, and the batches since are replayed.
        var config = Config(epochs: 2, train: 300, validation: 0);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(ExecutionMode.Pipeline, 1, every: 2);
        using var whole = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None).Network;
        var fault = new FaultInjection(1, 0, 3, kind);
        var faulted = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None, new RuntimeHooks { Fault = fault });
        using var faultedNet = faulted.Network;
        foreach (var line in faulted.Log) output.WriteLine(line);
        Assert.Equal(1, fault.Fired);
        Assert.True(faulted.Completed);
        // A thrown fault stops layer 1; a NaN input spreads with its states within the batch, and whichever layer finishes
        // the batch first reports it. Either way one failure, at the batch of the fault.
        var entry = Assert.Single(faulted.Log, l => l.Contains(" failed: "));
        Assert.Contains("epoch 1 batch 3", entry);
        if (kind == FaultKind.Throw) Assert.Contains("layer 1 failed", entry);
        Weights.AssertSame(whole, faultedNet, "recovered vs uninterrupted");
    }

    static long Residue(FFConfig config)
    {
        long before = RuntimeSupport.LiveTensorsAfterGc();
        BuildAndDispose(config);
        return RuntimeSupport.LiveTensorsAfterGc() - before;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void BuildAndDispose(FFConfig config) => new FFNetwork(config, TorchSharp.torch.CPU).Dispose();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void TrainAndDispose(Func<PipelineResult> train) => train().Network.Dispose();
}
