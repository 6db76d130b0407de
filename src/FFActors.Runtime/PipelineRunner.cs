using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Actors.Coordinator;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime;

/// <summary>Trains an FF network with one actor per layer (see <see cref="RuntimeOptions"/>).</summary>
public static class PipelineRunner
{
    /// <summary>
    /// Trains per <c>config.Train</c> with the simultaneous schedule semantics (every layer updated on
    /// every batch, each on its predecessor's output computed before the predecessor's update), writes
    /// checkpoints under <c>runDir/checkpoints</c> when <paramref name="runDir"/> is given (in memory
    /// otherwise, for fault recovery), and resumes from the run folder's last checkpoint when
    /// <paramref name="resume"/> is set. Loads the data named by <c>config.Data</c>.
    /// </summary>
    public static PipelineResult Train(FFConfig config, RuntimeOptions runtime, string? runDir, bool resume,
        ITrainingObserver observer, CancellationToken cancel) =>
        Train(config, runtime, runDir, resume, observer, cancel, hooks: null);

    /// <param name="evaluate">After training, evaluate on the test split through the actors (see <see cref="PipelineResult.Evaluation"/>).</param>
    public static PipelineResult Train(FFConfig config, RuntimeOptions runtime, string? runDir, bool resume,
        ITrainingObserver observer, CancellationToken cancel, RuntimeHooks? hooks, bool evaluate = false)
    {
        var device = TorchSetup.DeviceFor(config.Run.Device);
        using var data = DatasetLoader.Load(config.Data, device);
        return Train(config, runtime, data, runDir, resume, observer, cancel, hooks, evaluate);
    }

    /// <summary>As above on data already loaded (the caller keeps ownership of <paramref name="data"/>).</summary>
    public static PipelineResult Train(FFConfig config, RuntimeOptions runtime, DataSplits data, string? runDir, bool resume,
        ITrainingObserver? observer, CancellationToken cancel, RuntimeHooks? hooks = null, bool evaluate = false) =>
        WithAccounting(Run(config, runtime, data, runDir, resume, observer, cancel, hooks, evaluate: evaluate));

    /// <summary>The run's result carrying the runtime's accounting of it.</summary>
    internal static PipelineResult WithAccounting(RunOutcome outcome) =>
        outcome.Result with { Accounting = new RunAccounting(outcome.Timings, outcome.BuildSeconds, outcome.TrainSeconds) };

    /// <summary>The checks that need the loaded data's shape (splits of one image size, negatives, augmentation); throws naming the key.</summary>
    public static void CheckData(FFConfig config, DataSplits data)
    {
        // A test set of another size would only fail when evaluation feeds it to the first layer, after training.
        foreach (var split in new[] { data.Validation, data.Test })
            if (split is not null && split.Features != data.Train.Features)
                throw new ArgumentException($"data: the {split.Name} images have {split.Features} values, the training images {data.Train.Features} " +
                    $"(data.dir = {config.Data.Dir}, data.dataset = {config.Data.Dataset}): every split must have one image size");
        NegativeSetup.Of(config).CheckInput(config, data.Train.Features);
        BatchAugmentation.ImageSide(config.Data.AugmentOrDefault, data.Train.Features);
    }

    internal static RunOutcome Run(FFConfig config, RuntimeOptions runtime, DataSplits data, string? runDir, bool resume,
        ITrainingObserver? observer, CancellationToken cancel, RuntimeHooks? hooks,
        bool evaluate = false,
        ActorSystem? cluster = null, IReadOnlyList<LayerHostRef>? hosts = null, IReadOnlyList<string>? layerNodes = null, IReadOnlyList<double>? contiguousWork = null)
    {
        runtime.ValidateRun(runDir, resume);
        if (config.Train.Epochs < 1) throw new ArgumentException($"train.epochs: {config.Train.Epochs} must be at least 1");
        config.Eval.CheckLayers(config.Model.LayerCount);
        CheckData(config, data);
        if (config.Model.LabelDriven && config.Train.CollaborationOrDefault.Enabled)
            throw new ArgumentException("train.collaboration: not supported for a label-driven network (CwC-FF, HFF, Distance-Forward, Mono-Forward)");
        var log = new List<string>();
        if (config.Train.Schedule != Schedule.Simultaneous)
            log.Add($"train.schedule = {config.Train.Schedule}: the actor runtime always runs the simultaneous schedule");

        var device = TorchSetup.DeviceFor(config.Run.Device);
        CheckpointStore? store = !runtime.Checkpoints ? null
            : runDir is null ? new MemoryCheckpointStore()
            : new DirectoryCheckpointStore(Path.Combine(runDir, "checkpoints"), runtime.CheckpointKeep);
        string fingerprint = RunFingerprint.Of(config, data.Train.Count);
        var start = resume ? ResumePoint(store!, fingerprint, log) : null;
        start ??= Initial(config, fingerprint);

        int layerCount = config.Model.LayerCount;
        int cores = Environment.ProcessorCount;
        int layerThreads = runtime.ThreadsFor(layerCount, cores);
        bool pipeline = runtime.Mode == ExecutionMode.Pipeline;
        string dispatcher = pipeline ? RuntimeConfig.PinnedDispatcher : RuntimeConfig.SequentialDispatcher;
        int lanes = runtime.LanesFor(layerCount, cores);
        int[]? laneOf = pipeline && cluster is null && lanes < layerCount ? LanePlan.Assign(config.Model.LayerWork(), lanes) : null;
        string[]? layerDispatchers = laneOf?.Select(RuntimeConfig.LaneDispatcher).ToArray();
        if (laneOf is not null)
            log.Add($"runtime.lanes = {lanes}: lane of each layer {string.Join(" ", laneOf)}");

        // set_num_threads also changes libtorch's process-wide default; put the caller's back afterwards.
        int callerThreads = get_num_threads();
        var done = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runId = runDir is null ? $"run-{Guid.NewGuid():N}"[..12] : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir)));
        // A cluster member's system (and its layer hosts) belongs to the caller; a local run has its own.
        var system = cluster ?? ActorSystem.Create("ffactors", RuntimeConfig.WithLanes(layerDispatchers is null ? 0 : lanes));
        var name = cluster is null ? "coordinator" : $"coordinator-{Guid.NewGuid():N}"[..20];
        IActorRef? coordinator = null;
        try
        {
            var settings = new CoordinatorSettings(runId, config, runtime, data, device, store, start,
                observer ?? NullObserver.Instance, hooks, dispatcher, layerThreads, CoordinatorThreads: 1,
                done, log, StopAtStart: cancel.IsCancellationRequested, Evaluate: evaluate, Hosts: hosts, LayerNodes: layerNodes,
                LayerDispatchers: layerDispatchers, ContiguousWork: contiguousWork);
            coordinator = system.ActorOf(RunSupervisor.Props(settings, dispatcher), name);
            using var registration = cancel.Register(() => coordinator.Tell(new StopTraining(new Stamp(runId, -1, -1, -1))));
            var outcome = done.Task.GetAwaiter().GetResult();
            double before = start.Metrics.Sum(m => m.Seconds) + start.ElapsedSeconds;
            return outcome with { Result = outcome.Result with { SecondsBeforeResume = before } };
        }
        finally
        {
            if (cluster is not null && coordinator is not null) cluster.Stop(coordinator);
            if (cluster is null && !system.Terminate().Wait(TimeSpan.FromSeconds(60)))
                log.Add("warning: the actor system did not terminate within 60 s");
            set_num_threads(callerThreads);
        }
    }

    /// <summary>
    /// The check a resume of <paramref name="runDir"/> makes before any actor starts (<see cref="DirectoryCheckpointStore.LatestSnapshot"/>):
    /// damaged checkpoints are moved aside and said in <paramref name="log"/>; throws in one line when none is intact or
    /// the checkpoint is of another configuration. The runners make it again, finding the checkpoint this one chose.
    /// </summary>
    public static void CheckResume(FFConfig config, RuntimeOptions runtime, DataSplits data, string runDir, List<string> log) =>
        new DirectoryCheckpointStore(Path.Combine(runDir, "checkpoints"), runtime.CheckpointKeep).LatestSnapshot(RunFingerprint.Of(config, data.Train.Count), log);

    static RunSnapshot Initial(FFConfig config, string fingerprint)
    {
        using var order = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        using var neg = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        return new RunSnapshot(0, 0, null, fingerprint, GeneratorState.Of(order), GeneratorState.Of(neg), new StatsSums(config.Model.LayerCount), 0, [], null);
    }

    static RunSnapshot? ResumePoint(CheckpointStore store, string fingerprint, List<string> log)
    {
        if (store.LatestSnapshot(fingerprint, log) is not { } latest) return null;
        log.Add($"resumed from {latest.Snapshot.Describe()} at {store.Describe(latest.Id)}");
        return latest.Snapshot;
    }
}
