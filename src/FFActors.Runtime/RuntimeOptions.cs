namespace FFActors.Runtime;

/// <summary>How the layer actors are scheduled.</summary>
public enum ExecutionMode
{
    /// <summary>One thread runs every actor (the coordinator and all layers) in turn: the baseline.</summary>
    Sequential,
    /// <summary>Each layer actor (and the coordinator) has a thread of its own; layers train concurrently.</summary>
    Pipeline,
}

/// <summary>Settings of the actor runtime, bound from HOCON <c>runtime { ... }</c>.</summary>
/// <param name="Mode">Sequential or pipeline.</param>
/// <param name="CreditWindow">Batches (work items) in flight per layer: a layer sends at most this many to the next one before it returns credits.</param>
/// <param name="ThreadsPerLayer">Intra-op threads of every layer actor; 0 = max(1, cores / layers), in both modes and with any lanes
/// (see <see cref="ThreadsFor"/>).</param>
/// <param name="CheckpointEvery">Batches between checkpoints; 0 = only at epoch end.</param>
/// <param name="CheckpointKeep">Checkpoints kept in the run folder (the newest ones): a resume falls back to an older one when the newest is damaged.</param>
/// <param name="Checkpoints">Write checkpoints (also what fault recovery restores from).</param>
/// <param name="Lanes">Pipeline threads for the layer actors; 0 = one per layer.</param>
/// <param name="WorkSharing">A layer actor whose thread is idle runs matmul chunks of the busier layers of the same process
/// (the chunks are the same whoever runs them, so the weights are too).</param>
/// <param name="StallTimeout">Seconds without any message reaching the coordinator after which the run fails as stalled,
/// naming what it waits for; 0 = wait forever.</param>
public sealed record RuntimeOptions(
    ExecutionMode Mode = ExecutionMode.Pipeline,
    int CreditWindow = 3,
    int ThreadsPerLayer = 0,
    int CheckpointEvery = 0,
    bool Checkpoints = true,
    int Lanes = 0,
    bool WorkSharing = true,
    int CheckpointKeep = 2,
    double StallTimeout = 300)
{
    /// <summary>
    /// Threads the layer actors of a network of <paramref name="layers"/> layers run on: 1 in
    /// sequential mode; in pipeline mode <see cref="Lanes"/> (at most one per layer), 0 = one per layer.
    /// </summary>
    public int LanesFor(int layers, int cores)
    {
        if (Mode == ExecutionMode.Sequential) return 1;
        return Lanes > 0 ? Math.Min(Lanes, Math.Max(1, layers)) : Math.Max(1, layers);
    }

    /// <summary>
    /// Intra-op threads each layer actor computes with, for a network of <paramref name="layers"/> layers: the same in
    /// both modes and with any lanes, because some kernels give other bits with another thread count (oneMKL's GEMM on
    /// its Intel code paths, oneDNN's convolutions), and the modes promise the same weights. The coordinator's actors
    /// compute with one thread in both modes for the same reason.
    /// </summary>
    public int ThreadsFor(int layers, int cores) => ThreadsPerLayer > 0 ? ThreadsPerLayer : Math.Max(1, cores / Math.Max(1, layers));

    public void Validate()
    {
        if (CreditWindow < 1) throw new ArgumentException($"runtime.credit-window: {CreditWindow} must be at least 1");
        if (Lanes < 0) throw new ArgumentException($"runtime.lanes: {Lanes} must be 0 (one per layer) or positive");
        if (ThreadsPerLayer < 0) throw new ArgumentException($"runtime.threads-per-layer: {ThreadsPerLayer} must be 0 (auto) or positive");
        if (CheckpointEvery < 0) throw new ArgumentException($"runtime.checkpoint-every: {CheckpointEvery} must be 0 (epoch end) or positive");
        if (StallTimeout < 0 || double.IsNaN(StallTimeout)) throw new ArgumentException($"runtime.stall-timeout: {StallTimeout} must be 0 (never) or positive seconds");
        if (CheckpointKeep < 1) throw new ArgumentException($"runtime.checkpoint-keep: {CheckpointKeep} must be at least 1");
    }

    /// <summary><see cref="Validate"/>, and that a run asked to resume has a run folder and checkpoints to resume from.</summary>
    public void ValidateRun(string? runDir, bool resume)
    {
        Validate();
        if (resume && runDir is null) throw new ArgumentException("resume: needs a run folder");
        if (resume && !Checkpoints) throw new ArgumentException("resume: needs runtime.checkpoints = on");
    }
}
