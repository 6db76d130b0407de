using Akka.TestKit.Xunit2;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Protocol;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

/// <summary>No tensor leaks per step; runs end cleanly, cancelled or not.</summary>
public class LifecycleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ExecutionMode.Pipeline, "off")]
    [InlineData(ExecutionMode.Sequential, "off")]
    [InlineData(ExecutionMode.Pipeline, "exact")]
    [InlineData(ExecutionMode.Pipeline, "stale")]
    public void Live_tensor_count_is_flat_across_epochs_and_returns_to_baseline(ExecutionMode mode, string collaboration)
    {
        var collab = collaboration switch
        {
            "exact" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Exact),
            "stale" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Stale),
            _ => null,
        };
        var config = Mnist.Config(epochs: 4, batch: 50, train: 300, validation: 100, validate: true, collab: collab);
        using var data = Mnist.Load(config);
        long residue = Residue(config);
        long baseline = RuntimeSupport.LiveTensorsAfterGc();
        // Counted after a collection: tensors that are garbage but not yet finalized would otherwise count by the GC's timing.
        var observer = new RecordingObserver { CollectAtEpochEnd = true };
        TrainAndDispose(() => PipelineRunner.Train(config, RuntimeSupport.Runtime(mode, every: 2), data, null, false, observer, CancellationToken.None));
        output.WriteLine($"live tensors at epoch ends: {string.Join(", ", observer.LiveTensorsAtEpochEnd)} (baseline {baseline})");
        Assert.Equal(4, observer.LiveTensorsAtEpochEnd.Count);
        Assert.All(observer.LiveTensorsAtEpochEnd.Skip(1), c => Assert.Equal(observer.LiveTensorsAtEpochEnd[0], c));
        // Everything the run made is gone once its network is disposed, up to what merely building and
        // disposing the same network leaves (TorchSharp 0.107 keeps counting 2 tensors per disposed
        // nn.Linear even after a GC). A run builds each layer twice: the actor's (disposed when it is
        // released as checkpoint bytes) and the coordinator's copy loaded from those bytes.
        Assert.Equal(baseline + 2 * residue, RuntimeSupport.LiveTensorsAfterGc());
    }

    /// <summary>Tensors still counted after building and disposing the untrained network of <paramref name="config"/>.</summary>
    static long Residue(FFActors.Core.FFConfig config)
    {
        long before = RuntimeSupport.LiveTensorsAfterGc();
        BuildAndDispose(config);
        return RuntimeSupport.LiveTensorsAfterGc() - before;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void BuildAndDispose(FFActors.Core.FFConfig config) =>
        new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, CPU).Dispose();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void TrainAndDispose(Func<PipelineResult> train) => train().Network.Dispose();

    [Fact]
    public void Cancelling_before_the_start_checkpoints_and_returns_not_completed()
    {
        var config = Mnist.Config(epochs: 2, train: 300);
        using var data = Mnist.Load(config);
        var dir = TempFolder.New();
        long residue = Residue(config);
        long baseline = RuntimeSupport.LiveTensorsAfterGc();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        TrainAndDispose(() =>
        {
            var r = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, dir, false, null, cancel.Token);
            Assert.False(r.Completed);
            Assert.Empty(r.Metrics);
            Assert.Equal(3, r.Network.Layers.Count);
            return r;
        });
        Assert.Equal(baseline + 2 * residue, RuntimeSupport.LiveTensorsAfterGc()); // each layer built twice, as above
        Assert.Equal("e0000-b000000", File.ReadAllText(Path.Combine(dir, "checkpoints", "latest")).Trim());
    }

    /// <summary>
    /// The threads the layer actors ran on (named by their dispatcher, as /proc/thread-self/comm shows them inside a step)
    /// end with their runs: waited for, not slept on, and counted by name so that the thread pool's own growth under
    /// load does not count.
    /// </summary>
    [LinuxFact]
    public void The_actor_system_is_terminated_and_its_threads_are_gone_after_a_run()
    {
        var config = Mnist.Config(layers: [784, 30, 30, 30, 30], epochs: 1, train: 200);
        using var data = Mnist.Load(config);
        var before = Tasks();
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        var hooks = new RuntimeHooks { OnLayerStep = _ => names[File.ReadAllText("/proc/thread-self/comm").Trim()] = 1 };
        for (int i = 0; i < 3; i++)
            PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data, null, false, null, CancellationToken.None, hooks).Network.Dispose();
        Assert.NotEmpty(names);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<string> left;
        while ((left = Tasks().Where(t => names.ContainsKey(t.Value) && !before.ContainsKey(t.Key)).Select(t => $"{t.Key} {t.Value}").ToList()).Count > 0
            && clock.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(50);
        output.WriteLine($"layer threads named {string.Join(", ", names.Keys)}; gone {clock.ElapsedMilliseconds} ms after the third run");
        Assert.True(left.Count == 0, $"threads of the runs' layer actors still alive 60 s after the runs: {string.Join("; ", left)}");
    }

    /// <summary>This process's threads: OS thread id → name.</summary>
    static Dictionary<string, string> Tasks()
    {
        var tasks = new Dictionary<string, string>();
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
            try { tasks[Path.GetFileName(dir)] = File.ReadAllText(Path.Combine(dir, "comm")).Trim(); }
            catch (IOException) { } // the thread ended while we looked
        return tasks;
    }
}

/// <summary>Actor-level lifecycle with TestKit probes.</summary>
public class LayerLifecycleTests() : TestKit(RuntimeConfig.Config)
{
    [Fact]
    public void A_released_layer_hands_over_its_trained_state_and_stops()
    {
        var coordinator = CreateTestProbe();
        var upstream = CreateTestProbe();
        var options = new DenseSpec(0, 20, 10, new OptimizerOptions(), null, InputNorm.L2, new Objective(GoodnessKind.Mean, 2.0, LossKind.Softplus), 0.03);
        var settings = new LayerActorSettings("t", 1, options, 1, CPU, 1, 2, 1, coordinator.Ref, null, null, false, null);
        var layer = Sys.ActorOf(LayerActor.Props(settings, RuntimeConfig.PinnedDispatcher));
        Watch(layer);
        using var gen = new Generator(3);
        using var pos = randn([8, 20], generator: gen);
        using var neg = randn([8, 20], generator: gen);
        layer.Tell(new TrainBatch(new Stamp("t", 1, 0, 0), pos.clone().DetachFromDisposeScope(), neg.clone().DetachFromDisposeScope(), null, null), upstream.Ref);
        upstream.ExpectMsg<Credit>();
        coordinator.ExpectMsg<LayerStepped>().Dispose();
        layer.Tell(new ReleaseLayer(new Stamp("t", 1, 0, 0)), coordinator.Ref);
        var released = coordinator.ExpectMsg<LayerReleased>();
        ExpectTerminated(layer);

        // The same layer (seed 1) stepped once here is what was handed over: weights, running mean and Adam moments.
        RuntimeSupport.OneThread();
        using var expected = options.Create(1, CPU);
        expected.SetEpoch(0, 1);
        using (NewDisposeScope()) expected.Step(pos, neg);
        using var handedOver = options.Create(2, CPU);
        Assert.False(Tensors.Same(expected.Layer.Weight, handedOver.Layer.Weight)); // seed 2 starts elsewhere
        LayerCheckpoint.FromBytes(handedOver, released.Checkpoint);
        Assert.True(Tensors.Same(expected.Layer.Weight, handedOver.Layer.Weight), "weights differ from one step of the same layer");
        Assert.True(Tensors.Same(expected.Layer.Bias, handedOver.Layer.Bias), "bias differs");
        Assert.True(Tensors.Same(expected.RunningMean, handedOver.RunningMean), "running mean differs");
        using (NewDisposeScope())
        {
            handedOver.SetEpoch(0, 1);
            expected.Step(neg, pos);
            handedOver.Step(neg, pos);
        }
        Assert.True(Tensors.Same(expected.Layer.Weight, handedOver.Layer.Weight), "the next step differs: optimizer state was not handed over");
    }
}
