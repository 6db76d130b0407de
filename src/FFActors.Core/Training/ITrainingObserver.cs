using FFActors.Core.Layers;
namespace FFActors.Core.Training;

/// <summary>Receives progress from a trainer (the CLI renders it; tests may ignore it).</summary>
public interface ITrainingObserver
{
    /// <summary>A phase begins: an epoch (simultaneous) or a layer's whole training (greedy).</summary>
    void PhaseStarted(string title, long samples) { }

    /// <summary>One batch done; <paramref name="stats"/> has an entry per layer trained on it.</summary>
    void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats) { }

    void EpochCompleted(EpochMetrics metrics) { }
}

public sealed class NullObserver : ITrainingObserver
{
    public static readonly NullObserver Instance = new();
}
