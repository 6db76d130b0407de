using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit;
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
