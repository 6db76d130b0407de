using System.Globalization;
using FFActors.Core.Training;
using Spectre.Console;

namespace FFActors.Cli.Experiments;

/// <summary>
/// The experiment's progress: arm-seeds done / running / left and an ETA, as a live Spectre
/// display on a terminal or one plain line per event when output is redirected.
/// </summary>
public sealed class ExperimentProgress(int total, int parallel, ProgressContext? context, IReadOnlyList<ArmJob> pending)
{
    readonly object gate = new();
    readonly Dictionary<string, List<double>> armDurations = [];
    readonly HashSet<ArmJob> notStarted = [.. pending];
    readonly Dictionary<ArmJob, (ArmProgress Progress, ProgressTask? Task, DateTime Started)> running = [];
    readonly List<double> durations = [];
    ProgressTask? overall;
    int done;
    int failed;

    public void Started(ArmJob job, ArmProgress progress)
    {
        lock (gate)
        {
            if (context is not null && overall is null) overall = context.AddTask("experiment", maxValue: total);
            var task = context?.AddTask(Markup.Escape(job.Label), maxValue: 1);
            running[job] = (progress, task, DateTime.UtcNow);
            notStarted.Remove(job);
            if (context is null) Console.WriteLine($"start {job.Label} ({Status()})");
            Refresh();
        }
    }

    public void Skipped(ArmJob job, string why)
    {
        lock (gate)
        {
            done++;
            var line = $"skip {job.Label}: {why}";
            if (context is null) Console.WriteLine(line);
            else AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]");
            if (overall is null && context is not null) overall = context.AddTask("experiment", maxValue: total);
            overall?.Increment(1);
            Refresh();
        }
    }

    public void Finished(ArmJob job, ArmResult result)
    {
        lock (gate)
        {
            done++;
            if (!result.Ok && result.Status != ArmResult.Stopped) failed++;
            durations.Add(result.Seconds);
            if (!armDurations.TryGetValue(job.Arm.Name, out var list)) armDurations[job.Arm.Name] = list = [];
            list.Add(result.Seconds);
            if (running.Remove(job, out var r) && r.Task is not null)
            {
                r.Task.Value = 1;
                r.Task.StopTask();
            }
            overall?.Increment(1);
            var c = CultureInfo.InvariantCulture;
            var what = result.Ok
                ? string.Join(" ", result.Metrics.Where(m => !m.Key.StartsWith("features_", StringComparison.Ordinal) && !m.Key.EndsWith("_seconds", StringComparison.Ordinal))
                    .Select(m => string.Create(c, $"{m.Key} {(m.Key.Contains("per_s") ? m.Value.ToString("F0", c) : m.Value.ToString("F4", c))}")))
                : result.Status == ArmResult.Stopped ? "stopped: " + result.Error : "FAILED: " + result.Error;
            var line = string.Create(c, $"[{done}/{total}] {job.Label}: {result.Seconds:F1} s {what} ({Status()})");
            if (context is null) Console.WriteLine(line);
            else AnsiConsole.MarkupLine((result.Ok ? "" : "[red]") + Markup.Escape(line) + (result.Ok ? "" : "[/]"));
            Refresh();
        }
    }

    /// <summary>Refreshes the running tasks' bars and the overall line (call now and then).</summary>
    public void Tick()
    {
        lock (gate) Refresh();
    }

    void Refresh()
    {
        foreach (var (_, r) in running)
            if (r.Task is not null) r.Task.Value = r.Progress.Fraction;
        if (overall is not null) overall.Description = Markup.Escape($"experiment: {Status()}");
    }

    string Status()
    {
        int left = total - done - running.Count;
        var eta = Eta();
        return $"{done} done{(failed > 0 ? $" ({failed} failed)" : "")}, {running.Count} running, {left} left{(eta is null ? "" : $", ETA {eta}")}";
    }

    /// <summary>
    /// The work remaining over the parallel slots: each arm-seed left costs the mean time of its
    /// arm's finished seeds (of all finished arm-seeds when its arm has none yet); running ones
    /// count by their remaining fraction.
    /// </summary>
    string? Eta()
    {
        if (durations.Count == 0) return null;
        double overall = durations.Average();
        double Expected(ArmJob j) => armDurations.TryGetValue(j.Arm.Name, out var l) ? l.Average() : overall;
        double work = notStarted.Sum(Expected) + running.Sum(r => Math.Max(0, Expected(r.Key) * (1 - r.Value.Progress.Fraction)));
        var t = TimeSpan.FromSeconds(work / Math.Max(1, parallel));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
    }
}

/// <summary>Tracks how far a running arm-seed is (epochs completed of those planned), for the ETA.</summary>
public sealed class ArmProgress(int epochs) : ITrainingObserver
{
    int completed;

    public double Fraction => epochs <= 0 ? 0 : Math.Min(1.0, (double)Volatile.Read(ref completed) / epochs);

    public void EpochCompleted(EpochMetrics metrics) => Interlocked.Increment(ref completed);
}
