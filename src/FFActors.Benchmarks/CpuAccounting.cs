using System.Diagnostics;
using System.Globalization;
using FFActors.Core.Training;

namespace FFActors.Benchmarks;

/// <summary>
/// How much of the cores a timed interval did not have: on a shared machine a benchmark's spread between runs is
/// largely other tenants' work, and this measures it for each timing instead of guessing from the load average.
/// </summary>
public static class CpuAccounting
{
    /// <summary>/proc/stat and /proc/[pid]/stat count in USER_HZ, which Linux fixes at 100 on every architecture it exports it.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>Now, or null where /proc is not readable (not Linux).</summary>
    public static CpuSample? Sample()
    {
        try
        {
            return Parse(File.ReadLines("/proc/stat").First(), File.ReadAllText("/proc/self/stat"), Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// A sample from the first line of /proc/stat (the machine's "cpu" totals) and this process's /proc/self/stat;
    /// null when either is not in that format.
    /// </summary>
    public static CpuSample? Parse(string procStatCpuLine, string selfStat, long timestamp)
    {
        try
        {
            var cpu = procStatCpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cpu[0] != "cpu" || cpu.Length < 9) return null;
            long Field(int i) => long.Parse(cpu[i], CultureInfo.InvariantCulture);
            // user, nice, system, irq, softirq; idle (4) and iowait (5) are not busy, steal (8) is counted apart.
            long busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7);
            // The command name may hold spaces and parentheses: fields are counted after the last ')'.
            // After it come state (3) … utime (14) and stime (15), the 12th and 13th from the state on.
            var after = selfStat[(selfStat.LastIndexOf(')') + 2)..].Split(' ');
            long own = long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture);
            return new CpuSample(busy, Field(8), own, timestamp);
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The shortest interval measured: /proc counts whole 10 ms ticks per CPU, so over a shorter one the share is mostly
    /// rounding (a 7 ms test epoch read as 2.8 other cores on a 2-core machine).
    /// </summary>
    public const double MinimumSeconds = 0.5;

    /// <summary>What other processes and other guests took between two samples; null if either is missing or they are
    /// less than <see cref="MinimumSeconds"/> apart.</summary>
    public static CpuShare? Between(CpuSample? start, CpuSample? end)
    {
        if (start is not { } a || end is not { } b) return null;
        double wall = Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds;
        if (wall < MinimumSeconds) return null;
        double others = Math.Max(0, (b.BusyTicks - a.BusyTicks) - (b.OwnTicks - a.OwnTicks)) / TicksPerSecond / wall;
        double stolen = Math.Max(0, b.StealTicks - a.StealTicks) / TicksPerSecond / wall;
        return new CpuShare(others, stolen);
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or null where there is none.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>The machine's busy and stolen CPU time and this process's own, at one moment (Linux /proc, in clock ticks).</summary>
public readonly record struct CpuSample(long BusyTicks, long StealTicks, long OwnTicks, long Timestamp);

/// <summary>The CPU other processes of this machine and the hypervisor took over an interval.</summary>
/// <param name="OtherCores">Cores busy with other processes of this machine on average: busy time of all CPUs
/// (user, nice, system, irq, softirq) minus this process's own user and system time, over the wall time.</param>
/// <param name="StolenCores">Cores the hypervisor gave to other guests while ours wanted to run (steal time), on average.</param>
public readonly record struct CpuShare(double OtherCores, double StolenCores);

/// <summary>Measures <see cref="CpuAccounting"/>'s share of the machine over the (first) training epoch of a run.</summary>
sealed class EpochCpuObserver : ITrainingObserver
{
    CpuSample? start;

    /// <summary>What other processes and the hypervisor took during the epoch; null until it ends or off Linux.</summary>
    public CpuShare? Share { get; private set; }

    public void PhaseStarted(string title, long samples) => start ??= CpuAccounting.Sample();

    public void EpochCompleted(EpochMetrics metrics) => Share ??= CpuAccounting.Between(start, CpuAccounting.Sample());
}
