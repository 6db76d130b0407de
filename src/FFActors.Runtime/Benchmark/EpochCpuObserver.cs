using FFActors.Core.Training;

namespace FFActors.Runtime.Benchmark;

/// <summary>Measures <see cref="CpuAccounting"/>'s share of the machine over the (first) training epoch of a run.</summary>
sealed class EpochCpuObserver : ITrainingObserver
{
    CpuSample? start;

    /// <summary>What other processes and the hypervisor took during the epoch; null until it ends or off Linux.</summary>
    public CpuShare? Share { get; private set; }

    public void PhaseStarted(string title, long samples) => start ??= CpuAccounting.Sample();

    public void EpochCompleted(EpochMetrics metrics) => Share ??= CpuAccounting.Between(start, CpuAccounting.Sample());
}
