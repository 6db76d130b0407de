using System.Diagnostics;
using System.Globalization;

namespace FFActors.Cli.Jobs;

/// <summary>
/// The most physical memory this process has held so far (its peak resident set): Linux's VmHWM from
/// /proc/self/status, elsewhere the runtime's peak working set. A run reports it so its memory cost can be
/// compared with the size of its weights and data.
/// </summary>
public static class PeakResidentSet
{
    public static long Bytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                // The line reads "VmHWM:", spaces, the peak in kibibytes, " kB".
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var parts = line["VmHWM:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                    return kb * 1024;
            }
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>"1.15 GB" (decimal gigabytes, as the docs quote memory).</summary>
    public static string Format(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB");
}
