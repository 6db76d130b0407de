using System.Diagnostics;
using System.Globalization;

namespace FFActors.Runtime.Benchmark;

/// <summary>
/// How much of the cores a timed interval did not have: on a shared machine a benchmark's spread between runs is
/// largely other tenants' work, and this measures it for each timing instead of guessing from the load average.
/// </summary>
public static class CpuAccounting
{
    /// <summary>/proc/stat and /proc/[pid]/stat count in USER_HZ, which Linux fixes at 100 on every architecture it exports it.</summary>
    const double TicksPerSecond = 100;

    /// <summary>Now, or null where /proc is not readable (not Linux).</summary>
    public static CpuSample? Sample()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cpu[0] != "cpu" || cpu.Length < 9) return null;
            long Field(int i) => long.Parse(cpu[i], CultureInfo.InvariantCulture);
            long busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7);
            // The command name in /proc/self/stat may hold spaces and parentheses: fields are counted after the last ')'.
            var self = File.ReadAllText("/proc/self/stat");
            var after = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long own = long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture);
            return new CpuSample(busy, Field(8), own, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException
                                      or ArgumentOutOfRangeException or InvalidOperationException)
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
}
