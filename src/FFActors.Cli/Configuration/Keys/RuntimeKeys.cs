using FFActors.Cli.Configuration.Schema;
using FFActors.Runtime;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>runtime { }</c>: how the actor runtime runs the layers (threads, lanes, credits, checkpoints).</summary>
public static class RuntimeKeys
{
    /// <summary>Threads all lanes may start together (lanes × threads-per-layer).</summary>
    public const int MaxLayerThreads = 1024;

    public static readonly ConfigKey<ExecutionMode> Mode = Key.Choice("runtime.mode", ExecutionMode.Pipeline,
        "pipeline (layer actors on threads of their own) or sequential (one thread runs them in turn)",
        ("pipeline", ExecutionMode.Pipeline), ("sequential", ExecutionMode.Sequential));
    public static readonly ConfigKey<int> CreditWindow = Key.Int("runtime.credit-window", 3, 1, 64, "batches in flight per layer (pipeline)");
    public static readonly ConfigKey<int> Lanes = Key.Int("runtime.lanes", 0, 0, RunKeys.MaxThreads, "pipeline threads for the layer actors; 0 = one per layer");
    public static readonly ConfigKey<int> ThreadsPerLayer = Key.Int("runtime.threads-per-layer", 0, 0, RunKeys.MaxThreads, "intra-op threads of each layer actor, in both modes; 0 = max(1, cores / layers)");
    public static readonly ConfigKey<bool> WorkSharing = Key.Bool("runtime.work-sharing", true, "an idle layer thread runs row blocks of the other layers' matmuls (same weights)");
    public static readonly ConfigKey<int> CheckpointEvery = Key.Int("runtime.checkpoint-every", 0, 0, int.MaxValue, "batches between checkpoints; 0 = at epoch end only");
    public static readonly ConfigKey<bool> Checkpoints = Key.Bool("runtime.checkpoints", true, "write checkpoints into the run folder");
    public static readonly ConfigKey<int> CheckpointKeep = Key.Int("runtime.checkpoint-keep", 2, 1, 1000,
        "newest checkpoints kept in the run folder; --resume falls back to the newest intact one");
    public static readonly ConfigKey<double> StallTimeout = Key.Number("runtime.stall-timeout", 300, 0, 1e9,
        "seconds without progress after which a run fails as stalled, naming what it waits for; 0 = wait forever");

    public static IKeyGroup Group { get; } = new KeyGroup("runtime", [Mode, CreditWindow, Lanes, ThreadsPerLayer, WorkSharing, CheckpointEvery, Checkpoints, CheckpointKeep, StallTimeout]);

    public static RuntimeOptions Bind(ConfigReader r) => new(
        Mode: r.Get(Mode),
        CreditWindow: r.Get(CreditWindow),
        ThreadsPerLayer: r.Get(ThreadsPerLayer),
        CheckpointEvery: r.Get(CheckpointEvery),
        Checkpoints: r.Get(Checkpoints),
        Lanes: r.Get(Lanes),
        WorkSharing: r.Get(WorkSharing),
        CheckpointKeep: r.Get(CheckpointKeep),
        StallTimeout: r.Get(StallTimeout));
}
