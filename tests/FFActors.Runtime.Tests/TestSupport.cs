using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit;
using static TorchSharp.torch;

// Tensor counts are process-wide and the machine has 2 cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FFActors.Runtime.Tests;

static class TestSupport
{
    static readonly Lazy<string> root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FFActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FFActors.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => root.Value;

    public static string DataDir => Path.Combine(RepoRoot, "samples", "data");

    public static FFConfig Config(int[]? layers = null, int epochs = 2, int batch = 50, int train = 600, int validation = 0,
        CollaborationOptions? collab = null, double peerNorm = 0.03, long seed = 7, bool validate = false, AugmentOptions? augment = null) =>
        new(new RunOptions(Seed: seed),
            new DataOptions(Dir: DataDir, TrainLimit: train + validation, TestLimit: 200, Validation: validation, Augment: augment),
            new ModelOptions(layers ?? [784, 64, 48, 32], PeerNorm: peerNorm),
            new TrainOptions(Schedule.Simultaneous, epochs, batch, Optimizer: new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear), Collaboration: collab),
            new EvalOptions(HeadEpochs: 0, BatchSize: 100, ValidateEachEpoch: validate));

    public static DataSplits Load(FFConfig config) => DatasetLoader.Load(config.Data, CPU);

    /// <summary>Single intra-op thread on the calling thread (deterministic kernels for the reference run).</summary>
    public static void OneThread()
    {
        IntraOpThreads.Set(1);
    }

    /// <summary>The reference: Core's sequential trainer, simultaneous schedule.</summary>
    public static (FFNetwork Net, IReadOnlyList<EpochMetrics> Metrics) Reference(FFConfig config, DataSplits data)
    {
        OneThread();
        var net = new FFNetwork(config, CPU);
        var metrics = new FFTrainer(config).Train(net, data);
        return (net, metrics);
    }

    public static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    /// <summary>Every parameter and the running mean of every layer, bitwise.</summary>
    public static void AssertSameWeights(FFNetwork expected, FFNetwork actual, string what)
    {
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var pe = expected.Layers[l].Module.named_parameters().ToArray();
            var pa = actual.Layers[l].Module.named_parameters().ToArray();
            Assert.Equal(pe.Length, pa.Length);
            for (int i = 0; i < pe.Length; i++)
                Assert.True(BitwiseEqual(pe[i].parameter, pa[i].parameter), $"{what}: layer {l} parameter {pe[i].name} differs");
            // Buffers too (a CwC block's BatchNorm running statistics).
            var be = expected.Layers[l].Module.named_buffers().ToArray();
            var ba = actual.Layers[l].Module.named_buffers().ToArray();
            Assert.Equal(be.Length, ba.Length);
            for (int i = 0; i < be.Length; i++)
                Assert.True(BitwiseEqual(be[i].buffer, ba[i].buffer), $"{what}: layer {l} buffer {be[i].name} differs");
            Assert.True(BitwiseEqual(expected.Layers[l].RunningMean, actual.Layers[l].RunningMean), $"{what}: layer {l} running mean differs");
        }
    }

    public static bool SameWeights(FFNetwork a, FFNetwork b)
    {
        for (int l = 0; l < a.Layers.Count; l++)
        {
            var pa = a.Layers[l].Module.parameters().ToArray();
            var pb = b.Layers[l].Module.parameters().ToArray();
            for (int i = 0; i < pa.Length; i++)
                if (!BitwiseEqual(pa[i], pb[i])) return false;
        }
        return true;
    }

    public static RuntimeOptions Runtime(ExecutionMode mode, int window = 3, int every = 0, bool checkpoints = true) =>
        new(mode, window, ThreadsPerLayer: 1, CheckpointEvery: every, Checkpoints: checkpoints);

    public static long LiveTensorsAfterGc()
    {
        for (int i = 0; i < 4; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return Tensor.TotalCount;
    }

    static readonly Lazy<string> tempRoot = new(() =>
    {
        var parent = Path.Combine(Path.GetTempPath(), "ffactors-runtime-tests");
        // The test host is often killed rather than exiting, so also sweep what earlier runs left.
        if (Directory.Exists(parent))
            foreach (var old in Directory.GetDirectories(parent))
                if (Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddHours(-1))
                    try { Directory.Delete(old, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var root = Path.Combine(parent, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    /// <summary>A fresh folder, deleted with the others when the test process exits.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(tempRoot.Value, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>Records what the runtime reports.</summary>
sealed class RecordingObserver : ITrainingObserver
{
    public readonly List<int> BatchSamples = [];
    public readonly List<EpochMetrics> Epochs = [];
    public readonly List<long> LiveTensorsAtEpochEnd = [];
    public Action<int>? AfterBatch { get; set; }

    public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats)
    {
        BatchSamples.Add(samples);
        AfterBatch?.Invoke(BatchSamples.Count);
    }

    public void EpochCompleted(EpochMetrics metrics)
    {
        Epochs.Add(metrics);
        LiveTensorsAtEpochEnd.Add(Tensor.TotalCount);
    }
}
