namespace FFActors.Runtime.Benchmark;

/// <summary>The machine's busy and stolen CPU time and this process's own, at one moment (Linux /proc, in clock ticks).</summary>
public readonly record struct CpuSample(long BusyTicks, long StealTicks, long OwnTicks, long Timestamp);
