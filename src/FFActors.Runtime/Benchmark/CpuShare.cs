namespace FFActors.Runtime.Benchmark;

/// <summary>The CPU other processes of this machine and the hypervisor took over an interval.</summary>
/// <param name="OtherCores">Cores busy with other processes of this machine on average: busy time of all CPUs
/// (user, nice, system, irq, softirq) minus this process's own user and system time, over the wall time.</param>
/// <param name="StolenCores">Cores the hypervisor gave to other guests while ours wanted to run (steal time), on average.</param>
public readonly record struct CpuShare(double OtherCores, double StolenCores);
