using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

// Tensor counts are process-wide and the machine has 2 cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FFActors.Runtime.Tests;

/// <summary>The runtime settings and the reference run the runtime's tests compare against.</summary>
static class RuntimeSupport
{
    /// <summary>Single intra-op thread on the calling thread (deterministic kernels for the reference run).</summary>
    public static void OneThread() => IntraOpThreads.Set(1);

    /// <summary>The reference: Core's sequential trainer, simultaneous schedule.</summary>
    public static (FFNetwork Net, IReadOnlyList<EpochMetrics> Metrics) Reference(FFConfig config, DataSplits data)
    {
        OneThread();
        var net = new FFNetwork(config, CPU);
        var metrics = new FFTrainer(config).Train(net, data);
        return (net, metrics);
    }

    public static RuntimeOptions Runtime(ExecutionMode mode, int window = 3, int every = 0, bool checkpoints = true) =>
        new(mode, window, ThreadsPerLayer: 1, CheckpointEvery: every, Checkpoints: checkpoints);

    /// <summary>
    /// Trains <paramref name="config"/> with Core's trainer, the sequential actors and the pipeline actors (credit window
    /// <paramref name="window"/>), and checks that all three end with bitwise the same trained weights and the same
    /// per-epoch validation accuracy; with <paramref name="evaluate"/>, also that the pipeline's evaluation through the
    /// actors equals Core's evaluation of its network. The caller disposes of the reference and the pipeline's network.
    /// </summary>
    public static ModesRun TrainEveryWay(FFConfig config, DataSplits data, string label, ITestOutputHelper output, int window = 3,
        bool evaluate = true)
    {
        var (reference, refMetrics) = Reference(config, data);
        using (var seq = PipelineRunner.Train(config, Runtime(ExecutionMode.Sequential, window, checkpoints: false), data, null, false, null,
                   CancellationToken.None).Network)
            Weights.AssertSame(reference, seq, $"{label}: sequential vs FFTrainer");
        var pipe = PipelineRunner.Train(config, Runtime(ExecutionMode.Pipeline, window, checkpoints: false), data, null, false, null,
            CancellationToken.None, evaluate: evaluate);
        using (var initial = new FFNetwork(config, CPU))
            Assert.False(Weights.Equal(initial, pipe.Network), $"{label}: training changed no weight");
        Weights.AssertSame(reference, pipe.Network, $"{label}: pipeline vs FFTrainer");
        for (int e = 0; e < refMetrics.Count; e++)
            Assert.Equal(refMetrics[e].ValidationAccuracy, pipe.Metrics[e].ValidationAccuracy);
        if (evaluate)
        {
            var actors = pipe.Evaluation ?? throw new Xunit.Sdk.XunitException("no evaluation");
            OneThread();
            var core = Evaluator.Evaluate(pipe.Network, data.Train, data.Test, new LabelOverlay(), config.Eval, config.Run.Seed);
            output.WriteLine($"{label}: actors {actors.GoodnessAccuracy:P2} SF {actors.HeadAccuracy:P2}; core {core.GoodnessAccuracy:P2} / {core.HeadAccuracy:P2}");
            Assert.Equal(core.GoodnessAccuracy, actors.GoodnessAccuracy);
            Assert.Equal(core.HeadAccuracy, actors.HeadAccuracy);
        }
        return new ModesRun(reference, refMetrics, pipe);
    }

    /// <summary>
    /// Trains <paramref name="config"/> once without a stop, and once stopped after <paramref name="stopAfter"/> batches
    /// and resumed from its checkpoint in <paramref name="resumeMode"/>; checks that the resumed run completes with the
    /// uninterrupted run's weights. Returns the checkpoint the stopped run left (its <c>latest</c>).
    /// </summary>
    public static string StopAndResume(FFConfig config, DataSplits data, RuntimeOptions runtime, int stopAfter, ExecutionMode resumeMode, string label)
    {
        var whole = PipelineRunner.Train(config, runtime, data, TempFolder.New(), false, null, CancellationToken.None);
        using var wholeNet = whole.Network;
        var dir = TempFolder.New();
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { AfterBatch = n => { if (n == stopAfter) cancel.Cancel(); } };
        var stopped = PipelineRunner.Train(config, runtime, data, dir, false, observer, cancel.Token);
        stopped.Network.Dispose();
        Assert.False(stopped.Completed, $"{label}: the run ended before the stop");
        var stoppedAt = File.ReadAllText(Path.Combine(dir, "checkpoints", "latest")).Trim();
        var resumed = PipelineRunner.Train(config, runtime with { Mode = resumeMode }, data, dir, true, null, CancellationToken.None);
        using var resumedNet = resumed.Network;
        Assert.True(resumed.Completed);
        Assert.Contains(resumed.Log, l => l.Contains("resumed from checkpoint"));
        Weights.AssertSame(wholeNet, resumedNet, $"{label}: resumed vs uninterrupted");
        return stoppedAt;
    }

    /// <summary>Tensors still counted after the garbage collector has run every finalizer it can.</summary>
    public static long LiveTensorsAfterGc()
    {
        for (int i = 0; i < 4; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return Tensor.TotalCount;
    }
}

/// <summary>What <see cref="RuntimeSupport.TrainEveryWay"/> trained: Core's network and metrics, and the pipeline's result.</summary>
sealed record ModesRun(FFNetwork Reference, IReadOnlyList<EpochMetrics> ReferenceMetrics, PipelineResult Pipeline);

/// <summary>Records what the runtime reports.</summary>
sealed class RecordingObserver : ITrainingObserver
{
    public readonly List<int> BatchSamples = [];
    public readonly List<EpochMetrics> Epochs = [];
    public readonly List<long> LiveTensorsAtEpochEnd = [];
    public Action<int>? AfterBatch { get; set; }

    /// <summary>Count the live tensors at each epoch end after a garbage collection (see <see cref="RuntimeSupport.LiveTensorsAfterGc"/>).</summary>
    public bool CollectAtEpochEnd { get; init; }

    public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats)
    {
        BatchSamples.Add(samples);
        AfterBatch?.Invoke(BatchSamples.Count);
    }

    public void EpochCompleted(EpochMetrics metrics)
    {
        Epochs.Add(metrics);
        LiveTensorsAtEpochEnd.Add(CollectAtEpochEnd ? RuntimeSupport.LiveTensorsAfterGc() : Tensor.TotalCount);
    }
}
