using FFActors.Core.Training;

namespace FFActors.Cli.Experiments;

/// <summary>Tracks how far a running arm-seed is (epochs completed of those planned), for the ETA.</summary>
public sealed class ArmProgress(int epochs) : ITrainingObserver
{
    int completed;

    public double Fraction => epochs <= 0 ? 0 : Math.Min(1.0, (double)Volatile.Read(ref completed) / epochs);

    public void EpochCompleted(EpochMetrics metrics) => Interlocked.Increment(ref completed);
}
